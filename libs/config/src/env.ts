/**
 * Reading typed settings from the environment. A value that does not parse stops start-up with a
 * message naming the variable: a typo must not silently switch something on or off.
 */
export function envFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}

/** A whole number of at least `min` (default 1); `what` names the unit in the error, e.g. "milliseconds". */
export function envInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, options: { min?: number; what?: string } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  const min = options.min ?? 1;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new Error(`${name} must be a whole number${options.what ? ` of ${options.what}` : ''}, at least ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}
