import type { DisclosureChannel } from '@samhandling/audit';
import { errorSummary, SqlCheckpointStore, subscribeToAll, type RecordedEvent, type Subscription } from '@samhandling/event-store';
import { carryEventTraces, deliverBatch } from './batch-delivery';
import { planInSlices, type BatchPlan } from './batch-plan';
import { registrationsFor, type Registrations } from './identity-with-concern';
import type { DeliverySink } from './kafka-sink';
import { NotLoaded, PolicyTracker, type ChangedStates, type Route } from './policy-tracker';
import { Recipients } from './recipients';
import { RelayPolicyStore } from './relay-policy-state';
import { referralStream } from '@samhandling/domain';
import { eventPolicyOf, policySubjectOf } from '@samhandling/policy';
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
 * The policy state is not held whole: a bounded cache (PolicyTracker, lazy) over the persisted
 * states, loaded per batch in one query for the people it names. A start reads nothing but the
 * checkpoint, whatever the history; only a relay whose persisted states are behind its checkpoint
 * (an upgrade from a release that kept them in memory) folds the log up to it first, persisting
 * as it goes, so even that resumes where it stopped.
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
  private policy?: RelayPolicyStore;
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
    this.name = options.checkpointName ?? 'relay';
    this.sinks = options.sinks ?? [];
    this.channel = options.channel ?? (this.sinks.some((s) => s.name === 'kafka') ? 'kafka' : 'feed');
  }

  /** Takes the lock (waiting while another relay holds it), brings the persisted policy state up to the checkpoint if behind, then tails the log. */
  async start(): Promise<void> {
    await this.options.lock?.acquire();
    this.policy = this.options.policyState ?? (await RelayPolicyStore.create(this.options.store.sqlClient, this.options.store.schemaName));
    const from = await this.checkpoints.read(this.name);
    this.done = from;
    const started = Date.now();
    const folded = await this.catchUpPolicy(from);
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
   * Folds the log from the persisted states' position up to the checkpoint, delivering nothing,
   * persisting each chunk's states with its position (so an interrupted fold resumes). States
   * ahead of the checkpoint (it was moved back, to deliver again) are dropped and folded from 0.
   * Returns how many events it folded: none when the states are at the checkpoint, every start but
   * the first after an upgrade.
   */
  private async catchUpPolicy(upTo: number): Promise<number> {
    const policy = this.policy!;
    let after = (await policy.position(this.name)) ?? 0;
    if (after > upTo || (after === 0 && upTo > 0)) {
      await this.options.store.sqlClient.transaction((tx) => policy.clear(this.name, tx));
      after = 0;
    }
    let folded = 0;
    while (after < upTo && !this.stopping) {
      const events = await this.options.store.readAll({ after, limit: Math.min(5_000, upTo - after) });
      if (events.length === 0) break;
      this.tracker.begin();
      try {
        await this.loadStates(events.map(policySubjectOf).filter((id): id is string => id !== undefined));
        for (const event of events) this.tracker.apply(event);
      } catch (error) {
        this.tracker.abort();
        throw error;
      }
      const changed = this.tracker.commit();
      const last = events[events.length - 1].position;
      await this.options.store.sqlClient.transaction((tx) => policy.save(this.name, changed, last, tx));
      this.tracker.persisted(changed);
      folded += events.length;
      after = last;
    }
    if (after < upTo && !this.stopping) {
      // Nothing more to read below the checkpoint (an empty stretch): the states are those at it.
      await this.options.store.sqlClient.transaction((tx) => policy.save(this.name, new Map(), upTo, tx));
    }
    return folded;
  }

  /**
   * Decides a batch with the policy state loaded for it: what the batch names is read first, in
   * one query per kind; anything else it turns out to need (NotLoaded) is read, and the batch
   * decided again from its start, so it decides exactly what a tracker holding everything would.
   */
  private async decide(events: RecordedEvent[], registrations: Registrations): Promise<{ plan: BatchPlan; changed: ChangedStates } | undefined> {
    this.tracker.begin();
    try {
      await this.retrying(events, 'reading the policy state', () => this.prefetch(events));
      for (;;) {
        if (this.stopping) {
          this.tracker.abort();
          return undefined;
        }
        try {
          const plan = await planInSlices(events, { tracker: this.tracker, recipients: this.recipients, agencies: this.options.agencies, channel: this.channel, registrations });
          return { plan, changed: this.tracker.commit() };
        } catch (error) {
          if (!(error instanceof NotLoaded)) throw error;
          this.tracker.again();
          await this.retrying(events, 'reading the policy state', () => (error.what === 'route' ? this.loadRoutes([error.id]) : this.loadStates([error.id])));
        }
      }
    } catch (error) {
      this.tracker.abort();
      throw error;
    }
  }

  /** The routes and states a batch names: the referral steps' routes, then every person an event or route names. */
  private async prefetch(events: readonly RecordedEvent[]): Promise<void> {
    const referrals = new Set<string>();
    for (const e of events) if (typeof e.data.referralId === 'string' && !eventPolicyOf(e.type)?.opensRoute) referrals.add(e.data.referralId);
    await this.loadRoutes([...referrals]);
    const people = new Set<string>();
    for (const e of events) {
      const subject = policySubjectOf(e);
      if (subject !== undefined) people.add(subject);
      if (typeof e.data.subjectId === 'string') people.add(e.data.subjectId);
    }
    for (const id of referrals) {
      let route: Route | undefined;
      try {
        route = this.tracker.route(id);
      } catch {
        route = undefined; // opened in this very batch: its person is named by its ReferralSent
      }
      if (route) people.add(route.subjectId);
    }
    await this.loadStates([...people]);
  }

  private async loadStates(ids: readonly string[]): Promise<void> {
    const missing = this.tracker.missing(ids);
    for (let i = 0; i < missing.length; i += 1_000) this.tracker.load(await this.policy!.load(this.name, missing.slice(i, i + 1_000)));
  }

  /** A route is a fact of its immutable ReferralSent, the first event of the referral's stream. */
  private async loadRoutes(ids: readonly string[]): Promise<void> {
    const found = new Map<string, Route | undefined>();
    await Promise.all(this.tracker.missingRoutes(ids).map(async (id) => {
      const [first] = await this.options.store.readStream(referralStream(id), { fromRevision: 0, limit: 1 });
      found.set(id, first ? eventPolicyOf(first.type)?.opensRoute?.(first.data)?.route : undefined);
    }));
    this.tracker.loadRoutes(found);
  }

  /**
   * Decides the batch and schedules its steps; returns once fewer than `inFlight` batches are in
   * hand. Never throws: the subscription would hand the batch over again, and the policy state
   * has already moved past it.
   */
  private async handle(events: RecordedEvent[]): Promise<void> {
    if (this.stopping) return;
    const registrations = await this.registrationsFor(events);
    if (!registrations) return;
    const decided = await this.decide(events, registrations);
    if (!decided) return;
    const { plan, changed } = decided;
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
      await this.policy!.save(this.name, changed, plan.lastPosition, tx);
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
