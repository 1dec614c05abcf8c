#!/usr/bin/env node
'use strict';
/*
 * `npm run kit:pack [-- <directory>]`: builds packages/agency-kit and packs it with `npm pack`, as
 * it would be published, into <directory> (default examples/agency-system/vendor, where the example
 * installs it from). Prints the tarball's path.
 */
const { execFileSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = join(__dirname, '..');
const KIT = join(ROOT, 'packages', 'agency-kit');
const destination = resolve(process.argv[2] ?? join(ROOT, 'examples', 'agency-system', 'vendor'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

rmSync(join(KIT, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(KIT, 'tsconfig.json')], { stdio: 'inherit' });
mkdirSync(destination, { recursive: true });
const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: KIT, encoding: 'utf8' }));
process.stdout.write(`${join(destination, packed.filename)}\n`);
