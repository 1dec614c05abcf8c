import type { Command } from '../shared/decider';
import type { ConsentEvidence, ConsentTerms } from './consent.events';

export type GiveConsent = Command<'GiveConsent', ConsentTerms>;

/** Evidence of the person's withdrawal is required whenever the withdrawing agency did not record the consent. */
export type WithdrawConsent = Command<'WithdrawConsent', { consentId: string; subjectId: string; reason?: string; evidence?: ConsentEvidence }>;

export type ConfirmConsent = Command<'ConfirmConsent', { consentId: string; subjectId: string; note?: string }>;

export type RejectConsent = Command<'RejectConsent', { consentId: string; subjectId: string; reason: string }>;

export type ConsentCommand = GiveConsent | WithdrawConsent | ConfirmConsent | RejectConsent;
