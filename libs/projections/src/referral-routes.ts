import { referralStream } from '@samhandling/domain';
import type { EventStore, RecordedEvent } from '@samhandling/event-store';
import { asDomainEvent, isReferralEvent } from './domain-event';
import type { KeyContext, ReferralRoute } from './projection';

/**
 * Resolves referral routes for `keyOf`. A route is a fact of the immutable ReferralSent, so it
 * needs no table of its own and cannot drift from the log: routes seen in the log are cached, and
 * one missing from the cache (a restart mid-referral, or eviction) is read from the referral
 * stream's first event. Rebuilding from zero sees every ReferralSent before its followers and
 * never reads at all.
 */
export class ReferralRoutes {
  private readonly cache = new Map<string, ReferralRoute>();

  constructor(private readonly store: EventStore, private readonly maxCached = 10_000) {}

  async contextFor(batch: readonly RecordedEvent[]): Promise<KeyContext> {
    // The batch's routes live in `local`, so cache eviction during the batch cannot lose one.
    const local = new Map<string, ReferralRoute>();
    const missing = new Set<string>();
    for (const event of batch) {
      const domain = asDomainEvent(event);
      if (!domain || !isReferralEvent(domain)) continue;
      const id = domain.data.referralId;
      const known = domain.type === 'ReferralSent' ? route(domain.data) : (local.get(id) ?? this.cache.get(id));
      if (known) local.set(id, known);
      else missing.add(id);
    }
    await Promise.all(
      [...missing].map(async (id) => {
        const found = await this.readRoute(id);
        if (found) local.set(id, found);
      }),
    );
    for (const [id, known] of local) this.remember(id, known);
    return { referral: (id) => local.get(id) };
  }

  private async readRoute(referralId: string): Promise<ReferralRoute | undefined> {
    const [first] = await this.store.readStream(referralStream(referralId), { fromRevision: 0, limit: 1 });
    const domain = first && asDomainEvent(first);
    return domain?.type === 'ReferralSent' ? route(domain.data) : undefined;
  }

  private remember(referralId: string, known: ReferralRoute): void {
    this.cache.delete(referralId);
    this.cache.set(referralId, known);
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
  }
}

const route = ({ subjectId, from, to }: ReferralRoute): ReferralRoute => ({ subjectId, from, to });
