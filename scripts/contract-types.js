#!/usr/bin/env node
'use strict';
/*
 * `npm run contract-types`: writes packages/agency-kit/src/contract.ts, the TypeScript types of the
 * Kafka contract, from code (apps/api/src/contract/contract-types.ts, which reads the AsyncAPI
 * document), compiling first if a source changed since the last build. Commit the result: the unit
 * test apps/api/src/contract/contract-types.spec.ts fails while the committed copy differs from the code.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const dist = require('./dist');

if (!dist.buildIfStale()) process.exit(1);
dist.registerPaths();
const { contractTypes } = require(join(dist.DIST, 'apps/api/src/contract/contract-types.js'));
const file = join(dist.ROOT, 'packages', 'agency-kit', 'src', 'contract.ts');
writeFileSync(file, contractTypes());
process.stdout.write(`wrote ${file.slice(dist.ROOT.length + 1)}\n`);
