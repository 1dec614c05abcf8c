import { DisclosureLog, type DisclosureChannel } from '@samhandling/audit';
import { errorSummary, SqlCheckpointStore, subscribeToAll, type RecordedEvent, type SqlEventStore, type Subscription } from '@samhandling/event-store';
import type { AgencyRef, LegalBasisCatalog } from '@samhandling/policy';
import { planInSlices, type BatchPlan } from './batch-plan';
import { registrationsFor, type Registrations } from './identity-with-concern';
import type { Delivery, FeedStore } from './feed-store';
import { activeTraceparent, contextFromTraceparent, SpanKind, trace, tracer } from '@samhandling/observability';
import type { Span } from '@opentelemetry/api';
import type { DeliverySink } from './kafka-sink';
import { PolicyTracker } from './policy-tracker';
import { Recipients } from './recipients';
import type { RelayLock } from './relay-lock';

export interface RelayOptions {
  store: SqlEventStore;
  catalog: LegalBasisCatalog;
  /** The agency directory: every agency is a possible recipient. */
  agencies: readonly AgencyRef[];
  disclosureLog: DisclosureLog;
  feed: FeedStore;
  /** Beyond the feed, which is always written. */
  sinks?: DeliverySink[];
  /** Channel named in disclosure records; 'kafka' when a Kafka sink is given, else 'feed'. */
  channel?: DisclosureChannel;
  checkpointName?: string;
  batchSize?: number;
  lock?: RelayLock;
  log?: (message: string) => void;
  /** Batches in hand at once (decided, recorded, delivering); 1 runs them strictly one after another. */
  inFlight?: number;
  /** After each batch's checkpoint is stored (tests, benchmarks, metrics). */
  onBatch?: (plan: BatchPlan) => void;
}

/**
 * Push: tails the global log from its checkpoint, folds policy facts in the same pass, decides
 * each event's recipients at its point of the log, and delivers. Per batch, in this order:
 *   1. one transaction: the disclosure records and the feed rows;
 *   2. each sink (Kafka) gets the batch;
 *   3. the checkpoint moves past the batch.
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
  private readonly tracker = new PolicyTracker();
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
    this.recipients = new Recipients(options.catalog, options.agencies);
    this.checkpoints = new SqlCheckpointStore(options.store.sqlClient, options.store.schemaName);
    this.name = options.checkpointName ?? 'relay';
    this.sinks = options.sinks ?? [];
    this.channel = options.channel ?? (this.sinks.some((s) => s.name === 'kafka') ? 'kafka' : 'feed');
  }

  /** Takes the lock (waiting while another relay holds it), rebuilds the policy state, then tails the log. */
  async start(): Promise<void> {
    await this.options.lock?.acquire();
    const from = await this.checkpoints.read(this.name);
    this.done = from;
    const started = Date.now();
    const replayed = await this.rebuild(from);
    this.log(`policy state rebuilt from ${replayed} events in ${Date.now() - started} ms; delivering after position ${from}`);
    if (this.stopping) return;
    this.subscription = subscribeToAll(this.options.store, {
      from,
      batchSize: this.options.batchSize ?? 500,
      handle: (events) => this.handle(events),
      onError: (error) => this.log(`reading the log failed, retrying: ${message(error)}`),
    });
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

  /** Replays the log up to the checkpoint into the policy state, delivering nothing. */
  private async rebuild(upTo: number): Promise<number> {
    let after = 0;
    while (after < upTo) {
      const events = await this.options.store.readAll({ after, limit: Math.min(5_000, upTo - after) });
      if (events.length === 0) break;
      for (const event of events) this.tracker.apply(event);
      after = events[events.length - 1].position;
    }
    return after;
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
    const plan = await planInSlices(events, { tracker: this.tracker, recipients: this.recipients, agencies: this.options.agencies, channel: this.channel, registrations });
    // Each delivery starts with the trace its event was appended in (kept in the event's metadata).
    const traces = new Map(events.map((e) => [e.id, (e.metadata as { traceparent?: unknown }).traceparent]));
    for (const d of plan.deliveries) {
      const traceparent = traces.get(d.eventId);
      if (typeof traceparent === 'string') d.traceparent = traceparent;
    }
    for (const skipped of plan.undecided) this.log(`event ${skipped.eventId} at ${skipped.position} could not be decided, so it goes to no one: ${skipped.reason}`);
    const recorded = this.recorded.then(() => this.retry(plan, 'recording', () => this.record(plan)));
    const delivered = Promise.all([recorded, this.delivered]).then(() => this.retry(plan, 'delivery', () => this.deliver(plan)));
    const completed = Promise.all([delivered, this.completed])
      .then(() => this.retry(plan, 'checkpoint', () => this.checkpoints.store(this.name, plan.lastPosition)))
      .then(() => this.finished(plan));
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
  private async registrationsFor(events: RecordedEvent[]): Promise<Registrations | undefined> {
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 5_000)) {
      try {
        return await registrationsFor(this.options.store, events);
      } catch (error) {
        this.log(`reading the registrations of positions ${events[0].position}-${events[events.length - 1].position} failed, retrying: ${message(error)}`);
        if (this.stopping) return undefined;
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  private async record(plan: BatchPlan): Promise<void> {
    if (plan.deliveries.length === 0) return;
    await this.options.store.sqlClient.transaction(async (tx) => {
      await this.options.disclosureLog.record(plan.disclosures, tx);
      await this.options.feed.insert(plan.deliveries, tx);
    });
  }

  private async deliver(plan: BatchPlan): Promise<void> {
    if (plan.deliveries.length === 0) return;
    const spans = this.deliverySpans(plan);
    try {
      await this.deliverToSinks(plan);
    } finally {
      for (const span of spans) span.end();
    }
  }

  /**
   * One producer span per event delivered, continuing the trace its command ran in (the
   * traceparent kept in the event's metadata): HTTP → command → append → relay → Kafka in one
   * trace. Each delivery carries its span's context to Kafka as the `traceparent` header.
   */
  private deliverySpans(plan: BatchPlan): Span[] {
    const byEvent = new Map<string, Delivery[]>();
    for (const d of plan.deliveries) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
    const spans: Span[] = [];
    for (const [, deliveries] of byEvent) {
      const origin = deliveries[0].traceparent;
      if (!origin) continue;
      const span = tracer().startSpan('relay.deliver', { kind: SpanKind.PRODUCER, attributes: { 'samhandling.deliveries': deliveries.length, 'samhandling.position': deliveries[0].position, 'messaging.system': this.channel } }, contextFromTraceparent(origin));
      const traceparent = activeTraceparent(trace.setSpan(contextFromTraceparent(origin), span));
      for (const d of deliveries) d.traceparent = traceparent;
      spans.push(span);
    }
    return spans;
  }

  private async deliverToSinks(plan: BatchPlan): Promise<void> {
    for (const sink of this.sinks) {
      try {
        await sink.deliver(plan.deliveries);
      } catch (error) {
        await sink.recover?.().catch((e) => this.log(`${sink.name} did not recover yet: ${message(e)}`));
        throw new Error(`${sink.name}: ${message(error)}`);
      }
    }
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
