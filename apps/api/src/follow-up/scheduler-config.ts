/** The referral deadline scheduler's settings (read by loadConfig in config/app-config.ts). */
export interface SchedulerConfig {
  /** SCHEDULER_ENABLED (default true). Several API instances may all run it: escalations are idempotent. */
  enabled: boolean;
  /** SCHEDULER_INTERVAL_MS (default 5000): how late after its deadline an escalation may be recorded, at most. */
  intervalMs: number;
  /** ESCALATE_TO_COORDINATOR (default true): tell the person's coordinating agency as well as the sender. */
  escalateToCoordinator: boolean;
}

export function schedulerSettings(env: NodeJS.ProcessEnv): SchedulerConfig {
  return {
    enabled: flag(env, 'SCHEDULER_ENABLED', true),
    intervalMs: wholeMs(env, 'SCHEDULER_INTERVAL_MS', 5_000),
    escalateToCoordinator: flag(env, 'ESCALATE_TO_COORDINATOR', true),
  };
}

/** A typo must not silently switch escalations off (or on). */
function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}

function wholeMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 10) throw new Error(`${name} must be a whole number of milliseconds, at least 10, got ${JSON.stringify(raw)}`);
  return n;
}
