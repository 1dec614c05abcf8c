'use strict';
/**
 * Lets a bench require the product's compiled libraries (`npm run build` at the root) by their
 * aliases: `@samhandling/<lib>` resolves to dist/libs/<lib>/src/index.js. Required first.
 */
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.resolve(__dirname, '..', '..');
const original = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  const m = /^@samhandling\/([a-z-]+)$/.exec(request);
  if (m) return original.call(this, path.join(ROOT, 'dist', 'libs', m[1], 'src', 'index.js'), parent, isMain, options);
  return original.call(this, request, parent, isMain, options);
};

module.exports = { ROOT };
