import type { Command } from '../shared/decider';
import type { ConsentTerms } from './consent.events';

export type GiveConsent = Command<'GiveConsent', ConsentTerms>;

export type WithdrawConsent = Command<'WithdrawConsent', { consentId: string; subjectId: string; reason?: string }>;

export type ConsentCommand = GiveConsent | WithdrawConsent;
