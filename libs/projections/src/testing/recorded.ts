import { consentStream, contactStream, referralStream, subjectStream, type DomainEvent } from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import type { KeyContext, Projection, ReferralRoute } from '../projection';

/** The stream the command handler appends an event to. */
export function streamOf(event: DomainEvent): string {
  switch (event.type) {
    case 'SubjectRegistered':
    case 'ResidenceGranted':
    case 'HouseholdLinked':
    case 'CoordinatorDesignated':
    case 'ArrivalNotice':
      return subjectStream(event.data.subjectId);
    case 'ContactRecorded':
      return contactStream(event.data.subjectId);
    case 'ConsentGiven':
    case 'ConsentWithdrawn':
    case 'ConsentConfirmed':
    case 'ConsentRejected':
      return consentStream(event.data.subjectId);
    default:
      return referralStream(event.data.referralId);
  }
}

/** Domain events as the store would hand them back: positions from 1, revisions per stream. */
export function recorded(events: readonly DomainEvent[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, i) => {
    const streamId = streamOf(event);
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return {
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      streamId,
      revision,
      position: i + 1,
      type: event.type,
      data: event.data as unknown as Record<string, unknown>,
      metadata: {},
      recordedAt: '2026-02-01T00:00:00.000Z',
    };
  });
}

/**
 * Folds events into a projection the way the runtime does: routed by keyOf, referral routes
 * from the ReferralSent events seen, and each state through JSON between events, as it would be
 * between batches (a state that does not survive jsonb fails here).
 */
export function project<S>(projection: Projection<S>, events: readonly RecordedEvent[]): Map<string, S> {
  const routes = new Map<string, ReferralRoute>();
  const context: KeyContext = { referral: (id) => routes.get(id) };
  const states = new Map<string, S>();
  for (const event of events) {
    if (event.type === 'ReferralSent') {
      const { referralId, subjectId, from, to } = event.data as unknown as ReferralRoute & { referralId: string };
      routes.set(referralId, { subjectId, from, to });
    }
    for (const key of projection.keyOf(event, context)) {
      const state = states.get(key) ?? projection.init(key);
      states.set(key, JSON.parse(JSON.stringify(projection.evolve(state, event))) as S);
    }
  }
  return states;
}
