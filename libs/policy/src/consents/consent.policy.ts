import { evolveConsent, type ConsentEvent } from '@samhandling/domain';
import { categoriesOf, itsSubject, ownRecord, type EventLabel, type EventPolicies, type LabelLookup, type Logged, type LoggedWithMetadata } from '../event-policy';
import type { SubjectPolicyState } from '../subject-policy-state';

/** Every consent event changes the person's consents as the domain's own fold does. */
const foldConsent = (state: SubjectPolicyState, event: Logged<ConsentEvent>): SubjectPolicyState =>
  ({ ...state, consent: evolveConsent(state.consent, event as unknown as ConsentEvent) });

/**
 * What follows a consent (its withdrawal, a discloser's answer) is told to whom the consent itself
 * is told: its recipients learn it was withdrawn, or who relies on it. One label for the three,
 * owned by whichever of their writers the event names.
 */
function toldAsItsConsent(e: LoggedWithMetadata<Exclude<ConsentEvent, { type: 'ConsentGiven' }>>, lookup: LabelLookup): EventLabel | undefined {
  const d = e.data;
  const consent = typeof d.subjectId === 'string' ? lookup.subject(d.subjectId).state.consent.consents[String(d.consentId)] : undefined;
  return ownRecord(e, 'consent', d.withdrawnBy ?? d.confirmedBy ?? d.rejectedBy, consent?.categories ?? [], { consentId: String(d.consentId) });
}

export const CONSENT_POLICIES: EventPolicies<ConsentEvent> = {
  ConsentGiven: {
    subjectOf: itsSubject,
    evolve: foldConsent,
    label: (e) => ownRecord(e, 'consent', e.data.recordedBy, categoriesOf(e.data.categories), { consentId: String(e.data.consentId) }),
  },
  ConsentWithdrawn: { subjectOf: itsSubject, evolve: foldConsent, label: toldAsItsConsent },
  ConsentConfirmed: { subjectOf: itsSubject, evolve: foldConsent, label: toldAsItsConsent },
  ConsentRejected: { subjectOf: itsSubject, evolve: foldConsent, label: toldAsItsConsent },
};
