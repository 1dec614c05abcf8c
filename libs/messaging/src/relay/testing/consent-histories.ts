import fc from 'fast-check';
import {
  decideConsent, evolveConsent, initialConsentState, type ConsentCommand, type ConsentEvidence, type ConsentRecipient, type ConsentState, type DataCategory, type Purpose,
} from '@samhandling/domain';
import type { RecordedEvent } from '@samhandling/event-store';
import type { AgencyRef } from '@samhandling/policy';
import { AGENCIES as DIRECTORY, SUBJECT } from '../../../../policy/src/testing/policy-fixtures';
import { PUSH_PURPOSES } from '../recipients';

/**
 * Random histories of one person in which random agencies record contacts, consents (permits and
 * objections, by any recorder, some naming themselves), confirmations, rejections, withdrawals,
 * coordinator designations and referrals. Consent commands go through the consent decider, so
 * the log holds only what the API would accept; the rest is written as the log would hold it.
 * Alongside the log, a ledger of what was said, kept apart from the policy's fold, for the oracle.
 */
export const AGENCIES: readonly AgencyRef[] = Object.values(DIRECTORY);
const ids = AGENCIES.map((a) => a.id);
export const kindOf = (id: string) => AGENCIES.find((a) => a.id === id)?.kind;

const T0 = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;
export const instantAt = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

/** What the ledger knows of one consent: the terms, who recorded it, and every answer, in order. */
export interface LedgerConsent {
  id: string;
  decision: 'permit' | 'deny';
  recorder: string;
  recipients: ConsentRecipient[];
  categories: DataCategory[];
  purposes: Purpose[];
  validFrom: number;
  validUntil: number;
  withdrawnAt: number;
  evidence: ConsentEvidence;
  answers: Array<{ agency: string; answer: 'confirmed' | 'rejected' }>;
}

export interface Ledger {
  consents: Map<string, LedgerConsent>;
  referrals: Map<string, { from: string; to: string }>;
  /** The latest designation, as the log says it. */
  coordinator?: { agency: string; basis: { kind: 'consent'; consentId: string } | { kind: 'legal'; entryId: string } };
}

// Mostly a few agencies, so that recorders, recipients, confirmers and owners meet.
const agency = fc.oneof({ arbitrary: fc.constantFrom('oslo-health', 'nav-oslo', 'red-cross-oslo', 'oslo-refugee'), weight: 3 }, { arbitrary: fc.constantFrom(...ids), weight: 1 });
const recipient = fc.oneof(
  { arbitrary: agency.map((a) => ({ agency: a })), weight: 3 },
  { arbitrary: fc.constantFrom(...new Set(AGENCIES.map((a) => a.kind))).map((agencyKind) => ({ agencyKind })), weight: 1 },
);
const categories = fc.uniqueArray(
  fc.constantFrom<DataCategory>('contact_log', 'contact_log', 'referral', 'health', 'education', 'welfare', 'identity', 'child_welfare_concern'), { minLength: 1, maxLength: 3 },
);
const purposes = fc.uniqueArray(fc.constantFrom<Purpose>('follow_up', 'coordination', 'care', ...PUSH_PURPOSES), { minLength: 1, maxLength: 3 });
const which = fc.nat();
const hours = fc.integer({ min: 0, max: 36 });

const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('contact' as const), agency, categories }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('give' as const), recorder: agency, decision: fc.constantFrom('permit' as const, 'permit' as const, 'permit' as const, 'deny' as const),
      recipients: fc.array(recipient, { minLength: 1, maxLength: 3 }),
      // Now and then the recorder names itself too, by id or by its kind.
      namesItself: fc.constantFrom('no', 'no', 'no', 'id', 'kind'),
      categories, purposes, from: fc.integer({ min: -24, max: 24 }), lasts: fc.option(fc.integer({ min: 1, max: 96 }), { nil: undefined }),
      evidence: fc.constantFrom<ConsentEvidence['kind']>('written', 'written', 'verbal', 'digital', 'digital'), proof: fc.constantFrom('none', 'reference', 'fingerprint', 'fingerprint', 'fingerprint'),
    }),
  },
  // Mostly by an agency that holds records of the person, about a permit: the answers that decide something.
  { weight: 4, arbitrary: fc.record({ type: fc.constant('answer' as const), which, agency, anOwner: fc.constantFrom(true, true, false), confirm: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('withdraw' as const), which, agency }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('designate' as const), agency, designatedBy: agency,
      basis: fc.oneof({ arbitrary: which.map((w) => ({ kind: 'consent' as const, which: w })), weight: 3 }, fc.constantFrom('paa-13b-1-5', 'ia-41', 'nav-7').map((entryId) => ({ kind: 'legal' as const, entryId }))),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('refer' as const), from: agency, to: agency, categories,
      basis: fc.oneof(which.map((w) => ({ kind: 'consent' as const, which: w })), fc.constant({ kind: 'legal' as const, entryId: 'paa-13b-1-5' })),
    }),
  },
);

export const historyArb = fc.array(fc.tuple(step, hours), { minLength: 1, maxLength: 18 });
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

const SHA = 'a'.repeat(64);

/** The log the steps write, with the ledger of what was said. */
export function play(steps: ReadonlyArray<[Step, number]>): { events: RecordedEvent[]; ledger: Ledger; ledgerAt: Ledger[]; end: number } {
  const events: RecordedEvent[] = [];
  /** Per event, the ledger as it stood once the event was in the log: decisions at the event see no later answer. */
  const ledgerAt: Ledger[] = [];
  const ledger: Ledger = { consents: new Map(), referrals: new Map() };
  let consentState: ConsentState = initialConsentState();
  let clock = 0;
  const given: string[] = [];
  const permits: string[] = [];
  const owners: string[] = [];
  const append = (type: string, data: Record<string, unknown>, by: string) => events.push({
    id: `e${events.length + 1}`, streamId: `x-${SUBJECT}`, revision: events.length, position: events.length + 1, type, data: { subjectId: SUBJECT, ...data }, metadata: { agency: by }, recordedAt: instantAt(clock),
  });
  /** Through the decider: refused commands leave no trace, as at the API. */
  const command = (c: ConsentCommand): boolean => {
    let out;
    try {
      out = decideConsent(c, consentState);
    } catch {
      return false;
    }
    for (const e of out) {
      consentState = evolveConsent(consentState, e);
      append(e.type, e.data as unknown as Record<string, unknown>, c.metadata.agency);
    }
    return true;
  };
  const meta = (by: string) => ({ agency: by, actor: 'caseworker', now: instantAt(clock) });
  steps.forEach((st, i) => {
    playStep(st, i);
    while (ledgerAt.length < events.length) ledgerAt.push(structuredClone(ledger));
  });
  return { events, ledger, ledgerAt, end: clock };

  function playStep([s, gap]: [Step, number], i: number): void {
    clock += gap;
    const pick = (w: number) => (given.length > 0 ? given[w % given.length] : undefined);
    if (s.type === 'contact') {
      if (!owners.includes(s.agency)) owners.push(s.agency);
      append('ContactRecorded', { contactId: `k${i}`, agency: s.agency, categories: s.categories, summary: 'visit', concerns: [], interpreterUsed: false }, s.agency);
    } else if (s.type === 'give') {
      const consentId = `c${i}`;
      const self = s.namesItself === 'id' ? [{ agency: s.recorder }] : s.namesItself === 'kind' ? [{ agencyKind: kindOf(s.recorder)! }] : [];
      const recipients = [...s.recipients, ...self];
      const from = clock + s.from;
      const until = s.lasts === undefined ? undefined : Math.max(from, clock) + s.lasts;
      const evidence: ConsentEvidence = { kind: s.evidence, ...(s.proof !== 'none' ? { reference: `form ${i}` } : {}), ...(s.proof === 'fingerprint' ? { sha256: SHA } : {}) };
      const accepted = command({
        type: 'GiveConsent', metadata: meta(s.recorder),
        data: {
          consentId, subjectId: SUBJECT, decision: s.decision, grantor: { kind: 'self' }, recipients, categories: s.categories, purposes: s.purposes,
          validFrom: instantAt(from), ...(until !== undefined ? { validUntil: instantAt(until) } : {}), evidence, interpreterUsed: false,
        },
      });
      if (!accepted) return;
      given.push(consentId);
      if (s.decision === 'permit') permits.push(consentId);
      ledger.consents.set(consentId, {
        id: consentId, decision: s.decision, recorder: s.recorder, recipients, categories: s.categories, purposes: s.purposes,
        validFrom: T0 + from * HOUR, validUntil: until === undefined ? Infinity : T0 + until * HOUR, withdrawnAt: Infinity, evidence, answers: [],
      });
    } else if (s.type === 'answer') {
      const consentId = permits.length > 0 ? permits[s.which % permits.length] : pick(s.which);
      if (!consentId) return;
      const by = s.anOwner && owners.length > 0 ? owners[Math.floor(s.which / 7) % owners.length] : s.agency;
      const data = { consentId, subjectId: SUBJECT };
      const ok = s.confirm
        ? command({ type: 'ConfirmConsent', metadata: meta(by), data })
        : command({ type: 'RejectConsent', metadata: meta(by), data: { ...data, reason: 'No form on file' } });
      if (ok) ledger.consents.get(consentId)!.answers.push({ agency: by, answer: s.confirm ? 'confirmed' : 'rejected' });
    } else if (s.type === 'withdraw') {
      const consentId = pick(s.which);
      if (consentId && command({ type: 'WithdrawConsent', metadata: meta(s.agency), data: { consentId, subjectId: SUBJECT, evidence: { kind: 'verbal' } } })) {
        ledger.consents.get(consentId)!.withdrawnAt = T0 + clock * HOUR;
      }
    } else if (s.type === 'designate') {
      const consentId = s.basis.kind === 'consent' ? pick(s.basis.which) : undefined;
      const basis = consentId ? { kind: 'consent' as const, consentId } : { kind: 'legal' as const, entryId: s.basis.kind === 'legal' ? s.basis.entryId : 'paa-13b-1-5' };
      append('CoordinatorDesignated', { agency: s.agency, basis, designatedBy: s.designatedBy }, s.designatedBy);
      ledger.coordinator = { agency: s.agency, basis };
    } else {
      const consentId = s.basis.kind === 'consent' ? pick(s.basis.which) : undefined;
      const basis = consentId ? { kind: 'consent', consentId } : { kind: 'legal', entryId: 'paa-13b-1-5' };
      append('ReferralSent', { referralId: `r${i}`, from: s.from, to: s.to, categories: s.categories, basis, reason: 'follow-up' }, s.from);
      ledger.referrals.set(`r${i}`, { from: s.from, to: s.to });
    }
  }
}
