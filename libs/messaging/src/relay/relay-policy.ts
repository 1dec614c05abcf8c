import { referralStream } from '@samhandling/domain';
import type { RecordedEvent, SqlEventStore, SqlExecutor } from '@samhandling/event-store';
import { eventPolicyOf, policySubjectOf } from '@samhandling/policy';
import { NotLoaded, type ChangedStates, type PolicyTracker, type Route } from './policy-tracker';
import type { RelayPolicyStore } from './relay-policy-state';

/**
 * The relay's policy state: a lazy PolicyTracker (bounded cache) over the states persisted with
 * the checkpoint (RelayPolicyStore). Loads what a batch names before it is decided, decides it
 * again when it needed more, folds the log up to the checkpoint where the persisted states are
 * behind it, and persists what a batch changed in the checkpoint's transaction.
 */
export class RelayPolicy {
  constructor(
    private readonly store: SqlEventStore,
    private readonly name: string,
    private readonly tracker: PolicyTracker,
    private readonly table: RelayPolicyStore,
  ) {}

  /**
   * Folds the log from the persisted states' position up to the checkpoint, delivering nothing,
   * persisting each chunk's states with its position (so an interrupted fold resumes). States
   * ahead of the checkpoint (it was moved back, to deliver again) are dropped and folded from 0.
   * Returns how many events it folded: none when the states are at the checkpoint, every start but
   * the first after an upgrade. A partition's relay folds its own people's events only (`mine`).
   */
  async catchUp(upTo: number, stopping: () => boolean, mine: (events: readonly RecordedEvent[]) => Promise<RecordedEvent[]> = async (e) => [...e]): Promise<number> {
    let after = (await this.table.position(this.name)) ?? 0;
    if (after > upTo || (after === 0 && upTo > 0)) {
      await this.store.sqlClient.transaction((tx) => this.table.clear(this.name, tx));
      after = 0;
    }
    let folded = 0;
    while (after < upTo && !stopping()) {
      const read = await this.store.readAll({ after, limit: Math.min(5_000, upTo - after) });
      if (read.length === 0) break;
      const events = await mine(read);
      this.tracker.begin();
      try {
        await this.loadStates(events.map(policySubjectOf).filter((id): id is string => id !== undefined));
        for (const event of events) this.tracker.apply(event);
      } catch (error) {
        this.tracker.abort();
        throw error;
      }
      const changed = this.tracker.commit();
      const last = read[read.length - 1].position;
      await this.store.sqlClient.transaction((tx) => this.table.save(this.name, changed, last, tx));
      this.tracker.persisted(changed);
      folded += read.length;
      after = last;
    }
    if (after < upTo && !stopping()) {
      // Nothing more to read below the checkpoint (an empty stretch): the states are those at it.
      await this.store.sqlClient.transaction((tx) => this.table.save(this.name, new Map(), upTo, tx));
    }
    return folded;
  }

  /**
   * Decides a batch (`plan`) with the policy state loaded for it: what the batch names is read
   * first, in one query per kind; anything else it turns out to need (NotLoaded) is read, and the
   * batch decided again from its start, so it decides exactly what a tracker holding everything
   * would. `read` retries a read until it succeeds (undefined: stopping).
   */
  async decide<T>(
    events: readonly RecordedEvent[], plan: () => Promise<T>, read: (work: () => Promise<void>) => Promise<void | undefined>, stopping: () => boolean,
  ): Promise<{ plan: T; changed: ChangedStates } | undefined> {
    this.tracker.begin();
    try {
      await read(() => this.prefetch(events));
      for (;;) {
        if (stopping()) {
          this.tracker.abort();
          return undefined;
        }
        try {
          const decided = await plan();
          return { plan: decided, changed: this.tracker.commit() };
        } catch (error) {
          if (!(error instanceof NotLoaded)) throw error;
          this.tracker.again();
          await read(() => (error.what === 'route' ? this.loadRoutes([error.id]) : this.loadStates([error.id])));
        }
      }
    } catch (error) {
      this.tracker.abort();
      throw error;
    }
  }

  /** Step 3's part: the states a batch changed, with the position they reflect, in the checkpoint's transaction. */
  save(changed: ChangedStates, position: number, tx: SqlExecutor): Promise<void> {
    return this.table.save(this.name, changed, position, tx);
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
    for (let i = 0; i < missing.length; i += 1_000) this.tracker.load(await this.table.load(this.name, missing.slice(i, i + 1_000)));
  }

  /**
   * The person each event is about, for cutting the log into partitions: its data names the
   * person, or (a referral's later steps name the referral only) its referral's route does, from
   * the batch's own ReferralSent, the cache, or the referral stream. Routes read here stay cached,
   * so a partition that does not own a referral reads its route once, not at every step.
   */
  async subjectsOf(events: readonly RecordedEvent[]): Promise<Array<string | undefined>> {
    const routes = new Map<string, Route | undefined>();
    for (const e of events) {
      const opened = eventPolicyOf(e.type)?.opensRoute?.(e.data);
      if (opened) routes.set(opened.referralId, opened.route);
    }
    const asked = new Set<string>();
    for (const e of events) if (typeof e.data.subjectId !== 'string' && typeof e.data.referralId === 'string' && !routes.has(e.data.referralId)) asked.add(e.data.referralId);
    for (const id of asked) {
      try {
        routes.set(id, this.tracker.route(id));
      } catch (error) {
        if (!(error instanceof NotLoaded)) throw error;
      }
    }
    const read = await this.readRoutes([...asked].filter((id) => !routes.has(id)));
    for (const [id, route] of read) routes.set(id, route);
    this.tracker.loadRoutes(read);
    return events.map((e) => {
      if (typeof e.data.subjectId === 'string') return e.data.subjectId;
      return typeof e.data.referralId === 'string' ? routes.get(e.data.referralId)?.subjectId : undefined;
    });
  }

  /** A route is a fact of its immutable ReferralSent, the first event of the referral's stream. */
  private async loadRoutes(ids: readonly string[]): Promise<void> {
    this.tracker.loadRoutes(await this.readRoutes(this.tracker.missingRoutes(ids)));
  }

  private async readRoutes(ids: readonly string[]): Promise<Map<string, Route | undefined>> {
    const found = new Map<string, Route | undefined>();
    await Promise.all(ids.map(async (id) => {
      const [first] = await this.store.readStream(referralStream(id), { fromRevision: 0, limit: 1 });
      found.set(id, first ? eventPolicyOf(first.type)?.opensRoute?.(first.data)?.route : undefined);
    }));
    return found;
  }
}
