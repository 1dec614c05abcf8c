'use strict';
/*
 * The compiled app in dist/ and whether it is current. `npm run build` writes dist/.build-stamp
 * after a successful compile; dist is stale when a source the build reads is newer than that stamp.
 * Used by `npm start` / `npm run relay` (build only when stale, then run in this process) and by
 * bin/samhandling.js (refuse a stale dist rather than rebuild on every call).
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');

/** What tsconfig.build.json compiles: apps/ and libs/ sources, not tests or test support. */
function isBuildSource(name, dir) {
  if (/[\\/](testing)([\\/]|$)/.test(dir)) return false;
  if (name.endsWith('.worker.js')) return true;
  return name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.int-spec.ts');
}

function newestSource() {
  let newest = { mtimeMs: 0, path: '' };
  const consider = (path) => {
    const { mtimeMs } = statSync(path);
    if (mtimeMs > newest.mtimeMs) newest = { mtimeMs, path };
  };
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) if (existsSync(join(ROOT, file))) consider(join(ROOT, file));
  const walk = (dir) => {
    if (!existsSync(dir)) return; // an image holds dist/ only, no sources
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'testing') walk(path);
      } else if (isBuildSource(entry.name, dir)) consider(path);
    }
  };
  walk(join(ROOT, 'apps'));
  walk(join(ROOT, 'libs'));
  return newest;
}

/** Why dist cannot be run as it is, or undefined when it is current. */
function staleReason() {
  if (!existsSync(STAMP)) return 'dist/ has not been built';
  const built = statSync(STAMP).mtimeMs;
  const newest = newestSource();
  if (newest.mtimeMs > built) return `${newest.path.slice(ROOT.length + 1)} changed after the last build`;
  return undefined;
}

function writeStamp() {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Compiles with tsc when dist is stale; returns false when the compile failed. */
function buildIfStale(log = (m) => process.stderr.write(`${m}\n`)) {
  const reason = staleReason();
  if (!reason) return true;
  log(`building (${reason}) …`);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) return false;
  writeStamp();
  return true;
}

/** Resolves @samhandling/* to the compiled libraries, as `node -r tsconfig-paths/register` with TS_NODE_BASEURL=./dist. */
function registerPaths() {
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  require('tsconfig-paths').register({ baseUrl: DIST, paths: compilerOptions.paths });
}

module.exports = { ROOT, DIST, staleReason, buildIfStale, writeStamp, registerPaths };

if (require.main === module && process.argv[2] === 'stamp') writeStamp();
