import type { ConsentTerms } from '@samhandling/domain';
import { asDomainEvent, compact } from './domain-event';
import type { Labelled, Projection } from './projection';

/** What happened to a consent, in log order, with who recorded it: the privacy officer's trail. */
export type ConsentHistoryEntry =
  | { kind: 'given'; by: string; at: string; position: number }
  | { kind: 'withdrawn'; by: string; at: string; reason?: string; position: number }
  | { kind: 'confirmed'; by: string; at: string; note?: string; position: number }
  | { kind: 'rejected'; by: string; at: string; reason: string; position: number };

/** The full terms as given; `categories` are the consent's own, `ownerAgency` the recording agency. */
export interface RegisteredConsent extends Omit<ConsentTerms, 'subjectId'>, Labelled {
  recordedBy: string;
  recordedAt: string;
  /** Withdrawal is a recorded fact; expiry depends on when one asks, so the reader computes it. */
  status: 'active' | 'withdrawn';
  withdrawnAt?: string;
  /** Each other discloser's latest answer: it relies on the consent for its records, or will not. */
  confirmations?: Record<string, 'confirmed' | 'rejected'>;
  history: ConsentHistoryEntry[];
}

export interface ConsentRegistry {
  subjectId: string;
  /** In the order they were given. */
  consents: RegisteredConsent[];
}

/** Every consent (and objection) a person gave, with its full terms and history. */
export const consentRegistryProjection: Projection<ConsentRegistry> = {
  name: 'consent-registry',
  // 2: confirmations and rejections in each consent's history.
  version: 2,
  // A guardian's or representative's name identifies the family.
  categories: ['identity', 'family_situation'],
  keyOf(event) {
    const domain = asDomainEvent(event);
    return domain?.type === 'ConsentGiven' || domain?.type === 'ConsentWithdrawn' || domain?.type === 'ConsentConfirmed' || domain?.type === 'ConsentRejected'
      ? [domain.data.subjectId] : [];
  },
  init: (subjectId) => ({ subjectId, consents: [] }),
  evolve(state, event) {
    const domain = asDomainEvent(event);
    if (domain?.type === 'ConsentGiven') {
      const { subjectId: _, ...terms } = domain.data;
      const known = state.consents.find((c) => c.consentId === terms.consentId);
      const given: ConsentHistoryEntry = { kind: 'given', by: terms.recordedBy, at: terms.recordedAt, position: event.position };
      const consent = compact<RegisteredConsent>({ ...terms, ownerAgency: terms.recordedBy, status: 'active', history: [...(known?.history ?? []), given] });
      const consents = known ? state.consents.map((c) => (c === known ? consent : c)) : [...state.consents, consent];
      return { ...state, consents };
    }
    if (domain?.type === 'ConsentWithdrawn') {
      const { consentId, reason, withdrawnBy, withdrawnAt } = domain.data;
      if (!state.consents.some((c) => c.consentId === consentId)) return state;
      const withdrawn = compact<ConsentHistoryEntry>({ kind: 'withdrawn', by: withdrawnBy, at: withdrawnAt, reason, position: event.position });
      const consents = state.consents.map((c) =>
        c.consentId === consentId ? { ...c, status: 'withdrawn' as const, withdrawnAt, history: [...c.history, withdrawn] } : c,
      );
      return { ...state, consents };
    }
    if (domain?.type === 'ConsentConfirmed' || domain?.type === 'ConsentRejected') {
      const { consentId } = domain.data;
      if (!state.consents.some((c) => c.consentId === consentId)) return state;
      const entry: ConsentHistoryEntry = domain.type === 'ConsentConfirmed'
        ? compact<ConsentHistoryEntry>({ kind: 'confirmed', by: domain.data.confirmedBy, at: domain.data.confirmedAt, note: domain.data.note, position: event.position })
        : { kind: 'rejected', by: domain.data.rejectedBy, at: domain.data.rejectedAt, reason: domain.data.reason, position: event.position };
      const answer = entry.kind === 'confirmed' ? ('confirmed' as const) : ('rejected' as const);
      const consents = state.consents.map((c) =>
        c.consentId === consentId ? { ...c, confirmations: { ...c.confirmations, [entry.by]: answer }, history: [...c.history, entry] } : c,
      );
      return { ...state, consents };
    }
    return state;
  },
};
