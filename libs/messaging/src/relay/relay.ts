import type { DisclosureChannel } from '@samhandling/audit';
import { errorSummary, SqlCheckpointStore, subscribeToAll, type RecordedEvent, type Subscription } from '@samhandling/event-store';
import { carryEventTraces, deliverBatch } from './batch-delivery';
import { planInSlices, type BatchPlan } from './batch-plan';
import { registrationsFor, type Registrations } from './identity-with-concern';
import type { DeliverySink } from './kafka-sink';
import { PolicyTracker, type ChangedStates } from './policy-tracker';
import { Recipients } from './recipients';
import { RelayPolicy } from './relay-policy';
import { RelayPolicyStore } from './relay-policy-state';
import { partitionCheckpoint, partitionOf, startingCheckpoint } from './partitions';
import type { RelayOptions } from './relay.types';

export type { RelayOptions } from './relay.types';

/**
 * Push: tails the global log from its checkpoint, folds policy facts in the same pass, decides
 * each event's recipients at its point of the log, and delivers. Per batch, in this order:
 *   1. one transaction: the disclosure records and the feed rows;
 *   2. each sink (Kafka) gets the batch;
 *   3. one transaction: the checkpoint moves past the batch, and the policy states the batch
 *      changed are persisted with it (relay-policy-state.ts).
 *
 * The policy state is not held whole (RelayPolicy): a start reads the checkpoint and delivers, whatever the history.
 * A crash between any two steps re-runs the batch from the checkpoint: it decides the same
 * (same state at the same positions), disclosure ids and feed rows are deterministic and
 * deduplicated, and sinks may see the batch twice — at least once, never lost, never recorded twice.
 *
 * Batches overlap like a pipeline (at most `inFlight` at once): while batch n is produced to
 * Kafka, batch n+1 is being recorded and n+2 decided. Each step still runs in batch order — batch
 * n+1 reaches Kafka only after batch n did, and a checkpoint only covers batches whose three steps
 * are all done — so the order above, and per-subject order on the topics, hold as before.
 */
export class Relay {
  private readonly tracker: PolicyTracker;
  private policy?: RelayPolicy;
  private readonly recipients: Recipients;
  private readonly checkpoints: SqlCheckpointStore;
  private readonly name: string;
  private readonly sinks: DeliverySink[];
  private readonly channel: DisclosureChannel;
  private subscription?: Subscription;
  private stopping = false;
  private done = 0;
  private readonly waiters: Array<{ position: number; resolve: () => void }> = [];
  /** The last scheduled batch's steps; the next batch's same step waits for them. */
  private recorded: Promise<void> = Promise.resolve();
  private delivered: Promise<void> = Promise.resolve();

  private completed: Promise<void> = Promise.resolve();
  private readonly window: Array<Promise<void>> = [];

  constructor(private readonly options: RelayOptions) {
    this.tracker = new PolicyTracker({ lazy: true, maxSubjects: options.cachedSubjects, maxRoutes: options.cachedRoutes });
    this.recipients = new Recipients(options.catalog, options.agencies);
    this.checkpoints = new SqlCheckpointStore(options.store.sqlClient, options.store.schemaName);
    const base = options.checkpointName ?? 'relay';
    this.name = options.partition ? partitionCheckpoint(base, options.partition) : base;
    this.sinks = options.sinks ?? [];
    this.channel = options.channel ?? (this.sinks.some((s) => s.name === 'kafka') ? 'kafka' : 'feed');
  }

  /** Takes the lock (waiting while another relay holds it), brings the persisted policy state up to the checkpoint if behind, then tails the log. */
  async start(): Promise<void> {
    await this.options.lock?.acquire();
    const table = this.options.policyState ?? (await RelayPolicyStore.create(this.options.store.sqlClient, this.options.store.schemaName));
    this.policy = new RelayPolicy(this.options.store, this.name, this.tracker, table);
    const from = await this.startAt();
    this.done = from;
    const started = Date.now();
    const folded = await this.policy.catchUp(from, () => this.stopping, (events) => this.mine(events));
    if (folded > 0) this.log(`policy state folded from ${folded} events up to the checkpoint in ${Date.now() - started} ms`);
    this.log(`delivering after position ${from}`);
    if (this.stopping) return;
    this.subscription = subscribeToAll(this.options.store, {
      from,
      batchSize: this.options.batchSize ?? 500,
      handle: (events) => this.handle(events),
      onError: (error) => this.log(`reading the log failed, retrying: ${message(error)}`),
    });
  }

  /** A partition's first start begins where its relay's earlier layout left off (partitions.ts), and records it. */
  private async startAt(): Promise<number> {
    const { partition, store, checkpointName } = this.options;
    const sql = store.sqlClient;
    if (!partition || (await sql.query(`SELECT 1 FROM ${store.schemaName}.checkpoints WHERE name = $1`, [this.name])).length > 0) return this.checkpoints.read(this.name);
    const from = await startingCheckpoint(sql, store.schemaName, checkpointName ?? 'relay', partition.count);
    await this.checkpoints.store(this.name, from);
    return from;
  }

  /** The events of this relay's partition (all of them without one), in log order. */
  private async mine(events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const partition = this.options.partition;
    if (!partition || partition.count <= 1) return [...events];
    const subjects = await this.policy!.subjectsOf(events);
    return events.filter((_, i) => partitionOf(subjects[i], partition.count) === partition.index);
  }

  /** People's policy states and referral routes held in memory (bounded by cachedSubjects / cachedRoutes, plus those of batches in hand). */
  get cached(): { subjects: number; routes: number } {
    return this.tracker.size;
  }

  /** Last log position whose deliveries are complete and checkpointed. */
  get position(): number {
    return this.done;
  }

  /** Resolves once every event up to `position` is recorded, delivered and checkpointed. */
  reached(position: number): Promise<void> {
    if (position <= this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  /** Stops reading, lets the batches in hand finish (one that fails now is left for the next start), releases the lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    await Promise.allSettled(this.window);
    await this.options.lock?.release();
  }

  /**
   * Decides a batch with the policy state loaded for it (RelayPolicy.decide): what the batch names
   * is read first; anything else it turns out to need is read and the batch decided again.
   */
  private decide(events: RecordedEvent[], registrations: Registrations): Promise<{ plan: BatchPlan; changed: ChangedStates } | undefined> {
    // None of the batch is this partition's: nothing to decide, the checkpoint moves past it all the same.
    if (events.length === 0) return Promise.resolve({ plan: { firstPosition: 0, lastPosition: 0, events: 0, disclosures: [], deliveries: [], undecided: [] }, changed: new Map() });
    return this.policy!.decide(
      events,
      () => planInSlices(events, { tracker: this.tracker, recipients: this.recipients, agencies: this.options.agencies, channel: this.channel, registrations }),
      (work) => this.retrying(events, 'reading the policy state', work),
      () => this.stopping,
    );
  }

  /**
   * Decides the batch and schedules its steps; returns once fewer than `inFlight` batches are in
   * hand. Never throws: the subscription would hand the batch over again, and the policy state
   * has already moved past it.
   */
  private async handle(batch: RecordedEvent[]): Promise<void> {
    if (this.stopping) return;
    const events = await this.retrying(batch, 'finding the partition', () => this.mine(batch));
    if (!events) return;
    const registrations = await this.registrationsFor(events);
    if (!registrations) return;
    const decided = await this.decide(events, registrations);
    if (!decided) return;
    // The checkpoint covers the whole batch, the other partitions' events included.
    const plan = { ...decided.plan, firstPosition: batch[0].position, lastPosition: batch[batch.length - 1].position, events: batch.length };
    const { changed } = decided;
    carryEventTraces(events, plan);
    for (const skipped of plan.undecided) this.log(`event ${skipped.eventId} at ${skipped.position} could not be decided, so it goes to no one: ${skipped.reason}`);
    const recorded = this.recorded.then(() => this.retry(plan, 'recording', () => this.record(plan)));
    const delivered = Promise.all([recorded, this.delivered]).then(() => this.retry(plan, 'delivery', () => this.deliver(plan)));
    const completed = Promise.all([delivered, this.completed])
      .then(() => this.retry(plan, 'checkpoint', () => this.checkpoint(plan, changed)))
      .then(() => {
        this.tracker.persisted(changed);
        this.finished(plan);
      });
    this.recorded = recorded;
    this.delivered = delivered;
    this.completed = completed;
    this.window.push(completed.catch(() => undefined));
    // Read on while this batch is recorded and delivered, so deciding the next overlaps both. Once
    // `inFlight` batches are in hand, wait for the oldest: what is appended meanwhile makes the
    // next batch larger rather than queueing many small ones (adaptive batching).
    while (this.window.length >= (this.options.inFlight ?? 3)) await this.window.shift();
  }

  /**
   * The registrations of the people this batch raises a concern about (identity goes with the
   * concern), read before deciding, which is synchronous. Retried like every step, since the
   * policy state must not move past the batch undecided; undefined only when stopping.
   */
  private registrationsFor(events: RecordedEvent[]): Promise<Registrations | undefined> {
    return this.retrying(events, 'reading the registrations', () => registrationsFor(this.options.store, events));
  }

  /** Runs a read the batch's decision needs until it succeeds; undefined only when stopping. */
  private async retrying<T>(events: readonly RecordedEvent[], what: string, work: () => Promise<T>): Promise<T | undefined> {
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 5_000)) {
      try {
        return await work();
      } catch (error) {
        this.log(`${what} of positions ${events[0].position}-${events[events.length - 1].position} failed, retrying: ${message(error)}`);
        if (this.stopping) return undefined;
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  /** Step 3: the checkpoint and the policy states the batch changed, together. */
  private checkpoint(plan: BatchPlan, changed: ChangedStates): Promise<void> {
    return this.options.store.sqlClient.transaction(async (tx) => {
      await this.policy!.save(changed, plan.lastPosition, tx);
      await this.checkpoints.store(this.name, plan.lastPosition, tx);
    });
  }

  private async record(plan: BatchPlan): Promise<void> {
    if (plan.deliveries.length === 0) return;
    await this.options.store.sqlClient.transaction(async (tx) => {
      await this.options.disclosureLog.record(plan.disclosures, tx);
      await this.options.feed.insert(plan.deliveries, tx);
    });
  }

  private deliver(plan: BatchPlan): Promise<void> {
    return deliverBatch(plan, this.sinks, this.channel, (text) => this.log(text));
  }

  private finished(plan: BatchPlan): void {
    this.done = plan.lastPosition;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].position <= this.done) this.waiters.splice(i, 1)[0].resolve();
    }
    this.options.onBatch?.(plan);
  }

  /** Runs a step until it succeeds (every step is safe to repeat); gives up only when stopping. */
  private async retry(plan: BatchPlan, step: string, work: () => Promise<void>): Promise<void> {
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 5_000)) {
      try {
        return await work();
      } catch (error) {
        this.log(`${step} of positions ${plan.firstPosition}-${plan.lastPosition} failed, retrying: ${message(error)}`);
        if (this.stopping) throw error;
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  private log(text: string): void {
    this.options.log?.(text);
  }
}

// Driver messages can quote statement values (personal data): log their code only.
const message = errorSummary;
