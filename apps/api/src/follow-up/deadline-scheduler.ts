import { randomUUID } from 'node:crypto';
import { DomainError, referralDecider, referralStream, type EscalateReferral } from '@samhandling/domain';
import { errorSummary, type EventStore } from '@samhandling/event-store';
import type { DueDeadline, ReferralDeadlineQueries } from '@samhandling/projections';
import { handleCommand } from '../platform/commands/handle-command';

/** The agency and actor escalations are recorded under: the platform itself, not an agency. */
export const SCHEDULER_AGENCY = 'samhandling';
export const SCHEDULER_ACTOR = 'deadline-scheduler';

/** One escalation per referral deadline, whichever instance, tick or retry records it. */
export const escalationKey = (referralId: string, deadline: string): string => `escalate:${referralId}:${deadline}`;

/**
 * An answer recorded after the projection was read wins the race; so does another instance or an
 * earlier tick whose escalation the projection had not yet applied. Nothing to do then.
 */
const EXPECTED_REFUSALS = new Set(['REFERRAL.DEADLINE_MET', 'REFERRAL.ALREADY_ESCALATED', 'REFERRAL.ALREADY_CLOSED']);

export interface SchedulerLog {
  debug(message: string): void;
  log(message: string): void;
  warn(message: string): void;
}

export interface DeadlineSchedulerOptions {
  intervalMs: number;
  escalateToCoordinator: boolean;
  clock?: () => Date;
  /** Deadlines read per query; a full batch is followed by another tick at once. */
  batchSize?: number;
  /** A projection runtime stuck on a failing batch must not stop escalations: go on with what it has. */
  catchUpTimeoutMs?: number;
  log?: SchedulerLog;
  /** After every tick (metrics). */
  onTick?: (outcome: TickOutcome) => void;
}

export interface TickOutcome {
  escalated: number;
  /** Already escalated, met or closed by the time the command was decided, or an escalation replayed. */
  skipped: number;
  failed: number;
}

const silent: SchedulerLog = { debug: () => undefined, log: () => undefined, warn: () => undefined };

/**
 * Escalates referral deadlines that passed unmet. No timers per deadline: every tick reads the
 * due deadlines from the projection of the log and decides each escalation against the referral
 * stream itself, with a deterministic idempotency key. A restart, a doubled tick, two instances,
 * or a crash between append and projection update therefore neither miss nor double one.
 */
export class DeadlineScheduler {
  private readonly clock: () => Date;
  private readonly log: SchedulerLog;
  private running = false;
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;
  private completed = 0;

  constructor(
    private readonly store: EventStore,
    private readonly projections: { catchUp(): Promise<void> },
    private readonly queries: ReferralDeadlineQueries,
    private readonly options: DeadlineSchedulerOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? silent;
  }

  /** Ticks completed since construction (by the loop or by hand). */
  get ticks(): number {
    return this.completed;
  }

  /** The first tick runs at once: deadlines that passed while no scheduler ran are escalated on start. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Resolves once the tick in flight, if any, has finished; no tick starts after. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  async tick(): Promise<TickOutcome> {
    try {
      await this.caughtUp();
      const now = this.clock();
      const tick = randomUUID();
      const outcome: TickOutcome = { escalated: 0, skipped: 0, failed: 0 };
      for (const due of await this.queries.due(now, this.options.batchSize ?? 200)) outcome[await this.escalate(due, now, tick)]++;
      this.options.onTick?.(outcome);
      if (outcome.escalated + outcome.failed > 0) {
        this.log.log(`escalated ${outcome.escalated} referral deadline(s), skipped ${outcome.skipped}, failed ${outcome.failed}`);
      }
      return outcome;
    } finally {
      this.completed++;
    }
  }

  private async escalate(due: DueDeadline, now: Date, tick: string): Promise<keyof TickOutcome> {
    const { referralId, deadline } = due;
    const coordinator = this.options.escalateToCoordinator && due.coordinator ? { coordinator: due.coordinator } : {};
    const command: EscalateReferral = {
      type: 'EscalateReferral',
      data: { referralId, deadline, ...coordinator },
      metadata: { agency: SCHEDULER_AGENCY, actor: SCHEDULER_ACTOR, now: now.toISOString() },
    };
    const key = escalationKey(referralId, deadline);
    try {
      const correlationId = `${SCHEDULER_ACTOR}:${tick}`;
      const result = await handleCommand(this.store, referralDecider, referralStream(referralId), command, {
        agency: SCHEDULER_AGENCY, actor: SCHEDULER_ACTOR, idempotencyKey: key, correlationId,
      });
      // A racing writer with the same key may have stored its event first; the store then keeps
      // that one and answers as if ours was appended. The tick's correlation id tells them apart.
      const stored = result.replayed ? undefined : await this.store.readEvent(result.events[0].id);
      if (stored?.metadata.correlationId === correlationId) return 'escalated';
      this.log.debug(`${key}: already recorded`);
      return 'skipped';
    } catch (error) {
      // Codes and ids only: domain messages name no person, and errorSummary strips SQL values.
      if (error instanceof DomainError && EXPECTED_REFUSALS.has(error.code)) {
        this.log.debug(`${key}: ${error.code}`);
        return 'skipped';
      }
      this.log.warn(`${key} failed, retried next tick: ${errorSummary(error)}`);
      return 'failed';
    }
  }

  private async caughtUp(): Promise<void> {
    const limit = this.options.catchUpTimeoutMs ?? Math.max(10_000, this.options.intervalMs);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limit)));
    const catchUp = this.projections.catchUp();
    catchUp.catch(() => undefined); // if it loses the race, its rejection is nobody's
    try {
      if ((await Promise.race([catchUp, late])) === 'late') this.log.warn(`projections did not catch up within ${limit} ms; deciding on what they hold`);
    } finally {
      clearTimeout(timer);
    }
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const tick = this.tick().then(
        (outcome) => outcome.escalated > 0 && outcome.escalated + outcome.skipped + outcome.failed >= (this.options.batchSize ?? 200),
        (error) => (this.log.warn(`tick failed, retried next tick: ${errorSummary(error)}`), false),
      );
      this.current = tick.then((more) => {
        this.current = undefined;
        this.schedule(more ? 0 : this.options.intervalMs);
      });
    }, delay);
    this.timer.unref();
  }
}
