#!/usr/bin/env node
'use strict';
/*
 * `npm start` and `npm run relay`: compile only if a source changed since the last build, then run
 * the app in THIS process. The npm script execs this file, so npm's signal goes straight to the
 * server: stopping `npm start` (Ctrl-C, or `kill` of the npm process) stops the server.
 */
const { join } = require('node:path');
const dist = require('./dist');

const entries = { api: 'apps/api/src/main.js', relay: 'apps/relay/src/main.js' };
const entry = entries[process.argv[2]];
if (!entry) {
  process.stderr.write(`usage: node scripts/run.js ${Object.keys(entries).join('|')}\n`);
  process.exit(2);
}
if (!dist.buildIfStale()) process.exit(1);
dist.registerPaths();
require(join(dist.DIST, entry));
