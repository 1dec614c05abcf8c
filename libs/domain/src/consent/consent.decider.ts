import { AGENCY_KINDS, DATA_CATEGORIES, PURPOSES } from '../shared/categories';
import { assertNever, type Decider } from '../shared/decider';
import { conflict, invalid, notFound } from '../shared/errors';
import { instant } from '../shared/time';
import { isBlank, unknownValues } from '../shared/validation';
import type { ConsentCommand, GiveConsent, WithdrawConsent } from './consent.commands';
import type { ConsentRecord } from './consent-status';
import type { ConsentEvent, ConsentRecipient, ConsentTerms } from './consent.events';

export interface ConsentState {
  consents: Record<string, ConsentRecord>;
}

export const initialConsentState = (): ConsentState => ({ consents: {} });

export function evolveConsent(state: ConsentState, event: ConsentEvent): ConsentState {
  switch (event.type) {
    case 'ConsentGiven': {
      const { consentId, decision, recipients, categories, purposes, validFrom, validUntil } = event.data;
      const record: ConsentRecord = {
        status: 'active',
        decision,
        recipients,
        categories,
        purposes,
        validFrom,
        ...(validUntil !== undefined ? { validUntil } : {}),
      };
      return { consents: { ...state.consents, [consentId]: record } };
    }
    case 'ConsentWithdrawn': {
      const current = state.consents[event.data.consentId];
      if (!current) return state;
      const withdrawn: ConsentRecord = { ...current, status: 'withdrawn', withdrawnAt: event.data.withdrawnAt };
      return { consents: { ...state.consents, [event.data.consentId]: withdrawn } };
    }
    default:
      return assertNever(event);
  }
}

const findConsent = (state: ConsentState, consentId: string): ConsentRecord | undefined =>
  Object.hasOwn(state.consents, consentId) ? state.consents[consentId] : undefined;

/** Copies only the known fields, so stray input never reaches the log. */
const cleanRecipient = (r: ConsentRecipient): ConsentRecipient =>
  'agency' in r ? { agency: r.agency } : { agencyKind: r.agencyKind };

function validateTerms(data: ConsentTerms, now: number): void {
  const from = instant(data.validFrom, 'validFrom');
  if (data.validUntil !== undefined) {
    const until = instant(data.validUntil, 'validUntil');
    if (until <= from) throw invalid('CONSENT.INVALID_PERIOD', `validUntil ${data.validUntil} must be after validFrom ${data.validFrom}`);
    if (until <= now) throw invalid('CONSENT.ALREADY_EXPIRED', `validUntil ${data.validUntil} has already passed`);
  }
  if (data.recipients.length === 0) throw invalid('CONSENT.NO_RECIPIENTS', 'A consent must name at least one recipient');
  const badRecipient = data.recipients.find((r) =>
    'agency' in r ? typeof r.agency !== 'string' || isBlank(r.agency) : !(AGENCY_KINDS as readonly string[]).includes(r.agencyKind),
  );
  if (badRecipient) throw invalid('CONSENT.INVALID_RECIPIENT', `Not an agency id or known agency kind: ${JSON.stringify(badRecipient)}`);
  if (data.categories.length === 0) throw invalid('CONSENT.NO_CATEGORIES', 'A consent must name at least one data category');
  const unknownCategories = unknownValues(data.categories, DATA_CATEGORIES);
  if (unknownCategories.length > 0) throw invalid('CONSENT.UNKNOWN_CATEGORY', `Unknown data categories: ${unknownCategories.join(', ')}`);
  if (data.purposes.length === 0) throw invalid('CONSENT.NO_PURPOSES', 'A consent must name at least one purpose');
  const unknownPurposes = unknownValues(data.purposes, PURPOSES);
  if (unknownPurposes.length > 0) throw invalid('CONSENT.UNKNOWN_PURPOSE', `Unknown purposes: ${unknownPurposes.join(', ')}`);
  // A privacy officer must be able to see who spoke for the person.
  if (data.grantor.kind !== 'self' && isBlank(data.grantor.name)) {
    throw invalid('CONSENT.GUARDIAN_NAME_REQUIRED', `A ${data.grantor.kind} giving consent must be named`);
  }
  if (data.interpreterLanguage !== undefined && !data.interpreterUsed) {
    throw invalid('CONSENT.INTERPRETER_LANGUAGE_WITHOUT_INTERPRETER', 'interpreterLanguage is given but interpreterUsed is false');
  }
}

function giveConsent({ data, metadata }: GiveConsent, state: ConsentState): ConsentEvent[] {
  if (findConsent(state, data.consentId)) throw conflict('CONSENT.ALREADY_EXISTS', `Consent ${data.consentId} already exists`);
  validateTerms(data, instant(metadata.now, 'now'));
  const { grantor, evidence } = data;
  return [
    {
      type: 'ConsentGiven',
      data: {
        consentId: data.consentId,
        subjectId: data.subjectId,
        decision: data.decision,
        grantor: { kind: grantor.kind, ...(grantor.name !== undefined ? { name: grantor.name } : {}) },
        recipients: data.recipients.map(cleanRecipient),
        categories: [...data.categories],
        purposes: [...data.purposes],
        validFrom: data.validFrom,
        ...(data.validUntil !== undefined ? { validUntil: data.validUntil } : {}),
        evidence: { kind: evidence.kind, ...(evidence.reference !== undefined ? { reference: evidence.reference } : {}) },
        interpreterUsed: data.interpreterUsed,
        ...(data.interpreterLanguage !== undefined ? { interpreterLanguage: data.interpreterLanguage } : {}),
        recordedBy: metadata.agency,
        recordedAt: metadata.now,
      },
    },
  ];
}

function withdrawConsent({ data, metadata }: WithdrawConsent, state: ConsentState): ConsentEvent[] {
  const consent = findConsent(state, data.consentId);
  if (!consent) throw notFound('CONSENT.NOT_FOUND', `Consent ${data.consentId} does not exist`);
  if (consent.status === 'withdrawn') throw conflict('CONSENT.ALREADY_WITHDRAWN', `Consent ${data.consentId} was withdrawn at ${consent.withdrawnAt}`);
  return [
    {
      type: 'ConsentWithdrawn',
      data: {
        consentId: data.consentId,
        subjectId: data.subjectId,
        ...(data.reason !== undefined ? { reason: data.reason } : {}),
        withdrawnBy: metadata.agency,
        withdrawnAt: metadata.now,
      },
    },
  ];
}

export function decideConsent(command: ConsentCommand, state: ConsentState): ConsentEvent[] {
  switch (command.type) {
    case 'GiveConsent':
      return giveConsent(command, state);
    case 'WithdrawConsent':
      return withdrawConsent(command, state);
    default:
      return assertNever(command);
  }
}

export const consentDecider: Decider<ConsentState, ConsentCommand, ConsentEvent> = {
  decide: decideConsent,
  evolve: evolveConsent,
  initialState: initialConsentState,
};
