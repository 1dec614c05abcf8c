import { envFlag, envInteger } from '@samhandling/config';

/** The referral deadline scheduler's settings (read by loadConfig in app-config.ts; used by follow-up/). */
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
    enabled: envFlag(env, 'SCHEDULER_ENABLED', true),
    intervalMs: envInteger(env, 'SCHEDULER_INTERVAL_MS', 5_000, { min: 10, what: 'milliseconds' }),
    escalateToCoordinator: envFlag(env, 'ESCALATE_TO_COORDINATOR', true),
  };
}
