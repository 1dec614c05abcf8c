'use strict';
/**
 * BENCH_SMOKE=1: a bench runs end to end on a tiny workload (bench/smoke.js sets the sizes), so CI
 * sees at once when one no longer starts or crashes. Its figures mean nothing at that size, so a
 * missed target is printed but does not fail the run; an error still does.
 */
const SMOKE = process.env.BENCH_SMOKE === '1';

/** Sets the exit code for missed targets, except in a smoke run. */
function enforce(missed) {
  if (!missed) return;
  if (SMOKE) console.log('(smoke run: a target was missed at this tiny size; not enforced)');
  else process.exitCode = 1;
}

module.exports = { SMOKE, enforce };
