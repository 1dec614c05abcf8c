#!/usr/bin/env node
'use strict';
/*
 * `npm run asyncapi`: writes docs/asyncapi.yaml from code (apps/api/src/contract/asyncapi.ts),
 * compiling first if a source changed since the last build. Commit the result: the unit test
 * apps/api/src/contract/asyncapi.spec.ts fails while the committed copy differs from the code.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const dist = require('./dist');

if (!dist.buildIfStale()) process.exit(1);
dist.registerPaths();
const { asyncApiYaml } = require(join(dist.DIST, 'apps/api/src/contract/asyncapi-yaml.js'));
const file = join(dist.ROOT, 'docs', 'asyncapi.yaml');
writeFileSync(file, asyncApiYaml());
process.stdout.write(`wrote ${file.slice(dist.ROOT.length + 1)}\n`);
