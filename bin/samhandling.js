#!/usr/bin/env node
'use strict';
/*
 * The `samhandling` command (package.json "bin"; `npx samhandling --help` in a clone). It runs the
 * compiled CLI from dist/ in this process. A clone that was never built, or whose sources changed
 * since the last build, is compiled once first; an up-to-date dist is never rebuilt.
 */
const { join } = require('node:path');
const dist = require('../scripts/dist');

if (!dist.buildIfStale()) process.exit(1);
dist.registerPaths();
const { runCli } = require(join(dist.DIST, 'apps/api/src/cli/samhandling.js'));
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
