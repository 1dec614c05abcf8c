import { assertNever, type Decider } from '../shared/decider';
import { conflict, invalid, notFound } from '../shared/errors';
import { instant } from '../shared/time';
import { isBlank } from '../shared/validation';
import type { ConfirmConsent, ConsentCommand, GiveConsent, RejectConsent, WithdrawConsent } from './consent.commands';
import type { ConsentRecord } from './consent-status';
import { assuranceOf, type ConsentEvent } from './consent.events';
import { cleanEvidence, cleanRecipient, validateEvidence, validateTerms } from './consent.terms';

export interface ConsentState {
  consents: Record<string, ConsentRecord>;
}

export const initialConsentState = (): ConsentState => ({ consents: {} });

export function evolveConsent(state: ConsentState, event: ConsentEvent): ConsentState {
  switch (event.type) {
    case 'ConsentGiven': {
      const { consentId, decision, recipients, categories, purposes, validFrom, validUntil, recordedBy, evidence } = event.data;
      const record: ConsentRecord = {
        status: 'active',
        decision,
        recipients,
        categories,
        purposes,
        validFrom,
        ...(validUntil !== undefined ? { validUntil } : {}),
        recordedBy,
        assurance: assuranceOf(evidence),
        confirmations: {},
      };
      return { consents: { ...state.consents, [consentId]: record } };
    }
    case 'ConsentConfirmed':
    case 'ConsentRejected': {
      const current = state.consents[event.data.consentId];
      if (!current) return state;
      const [agency, answer] = event.type === 'ConsentConfirmed' ? [event.data.confirmedBy, 'confirmed' as const] : [event.data.rejectedBy, 'rejected' as const];
      const confirmed: ConsentRecord = { ...current, confirmations: { ...current.confirmations, [agency]: answer } };
      return { consents: { ...state.consents, [event.data.consentId]: confirmed } };
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

function giveConsent({ data, metadata }: GiveConsent, state: ConsentState): ConsentEvent[] {
  if (findConsent(state, data.consentId)) throw conflict('CONSENT.ALREADY_EXISTS', `Consent ${data.consentId} already exists`);
  validateTerms(data, instant(metadata.now, 'now'));
  const { grantor } = data;
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
        evidence: cleanEvidence(data.evidence),
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
  // On the person's behalf, through another service than the one that recorded it: say how the person said so.
  if (data.evidence === undefined && consent.recordedBy !== metadata.agency) {
    throw invalid('CONSENT.WITHDRAWAL_EVIDENCE_REQUIRED', `Consent ${data.consentId} was recorded by ${consent.recordedBy ?? 'another agency'}: give evidence of the person's withdrawal`);
  }
  if (data.evidence !== undefined) validateEvidence(data.evidence, 'evidence');
  return [
    {
      type: 'ConsentWithdrawn',
      data: {
        consentId: data.consentId,
        subjectId: data.subjectId,
        ...(data.reason !== undefined ? { reason: data.reason } : {}),
        ...(data.evidence !== undefined ? { evidence: cleanEvidence(data.evidence) } : {}),
        withdrawnBy: metadata.agency,
        withdrawnAt: metadata.now,
      },
    },
  ];
}

/** Confirming or rejecting is each other discloser's answer for its own records; the recorder relies on its consent already. */
function answerable(state: ConsentState, consentId: string, agency: string): ConsentRecord {
  const consent = findConsent(state, consentId);
  if (!consent) throw notFound('CONSENT.NOT_FOUND', `Consent ${consentId} does not exist`);
  if (consent.decision !== 'permit') throw conflict('CONSENT.NOT_A_PERMIT', `Consent ${consentId} is an objection: it takes effect without confirmation`);
  if (consent.status === 'withdrawn') throw conflict('CONSENT.ALREADY_WITHDRAWN', `Consent ${consentId} was withdrawn at ${consent.withdrawnAt}`);
  if (consent.recordedBy === agency) throw conflict('CONSENT.RECORDED_BY_YOU', `${agency} recorded consent ${consentId} and relies on it already`);
  return consent;
}

function confirmConsent({ data, metadata }: ConfirmConsent, state: ConsentState): ConsentEvent[] {
  const consent = answerable(state, data.consentId, metadata.agency);
  if (consent.confirmations?.[metadata.agency] === 'confirmed') throw conflict('CONSENT.ALREADY_CONFIRMED', `${metadata.agency} already confirmed consent ${data.consentId}`);
  if (data.note !== undefined && isBlank(data.note)) throw invalid('CONSENT.BLANK_NOTE', 'note, when given, cannot be blank');
  return [{
    type: 'ConsentConfirmed',
    data: { consentId: data.consentId, subjectId: data.subjectId, ...(data.note !== undefined ? { note: data.note } : {}), confirmedBy: metadata.agency, confirmedAt: metadata.now },
  }];
}

function rejectConsent({ data, metadata }: RejectConsent, state: ConsentState): ConsentEvent[] {
  const consent = answerable(state, data.consentId, metadata.agency);
  if (consent.confirmations?.[metadata.agency] === 'rejected') throw conflict('CONSENT.ALREADY_REJECTED', `${metadata.agency} already rejected consent ${data.consentId}`);
  if (isBlank(data.reason)) throw invalid('CONSENT.REASON_REQUIRED', 'Say why the consent cannot be relied on');
  return [{
    type: 'ConsentRejected',
    data: { consentId: data.consentId, subjectId: data.subjectId, reason: data.reason, rejectedBy: metadata.agency, rejectedAt: metadata.now },
  }];
}

export function decideConsent(command: ConsentCommand, state: ConsentState): ConsentEvent[] {
  switch (command.type) {
    case 'GiveConsent':
      return giveConsent(command, state);
    case 'WithdrawConsent':
      return withdrawConsent(command, state);
    case 'ConfirmConsent':
      return confirmConsent(command, state);
    case 'RejectConsent':
      return rejectConsent(command, state);
    default:
      return assertNever(command);
  }
}

export const consentDecider: Decider<ConsentState, ConsentCommand, ConsentEvent> = {
  decide: decideConsent,
  evolve: evolveConsent,
  initialState: initialConsentState,
};
