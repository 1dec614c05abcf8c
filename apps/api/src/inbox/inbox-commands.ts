import type { Type } from '@nestjs/common';
import type { ConsentRecipient } from '@samhandling/domain';
import {
  ConsentCommandMessage, ContactCommandMessage, metadataOf, plain, ReferralCommandMessage, ReReferralMessage, SubjectCommandMessage,
} from '../commands/command-message';
import type { CommandContext } from '../commands/handle-command';
import { toSharingBasis } from '../http/sharing-basis.dto';
import { ConfirmConsentDto, GiveConsentDto, RejectConsentDto, WithdrawConsentDto } from '../consents/consents.dto';
import { RecordContactDto } from '../contacts/contacts.dto';
import { AcceptReferralDto, CompleteReferralDto, DeclineReferralDto, ReReferDto, SendReferralDto } from '../referrals/referrals.dto';
import { DesignateCoordinatorDto, GrantResidenceDto, LinkHouseholdDto, RegisterSubjectDto } from '../subjects/subjects.dto';

export type BusMessage = SubjectCommandMessage | ContactCommandMessage | ConsentCommandMessage | ReferralCommandMessage | ReReferralMessage;
type Params = Record<string, string>;

/**
 * One inbox command: what its HTTP twin takes from the URL (`params`, UUIDs, which a message
 * carries inside `data`), the body DTO it is validated with, the twin's path (so a message and
 * an HTTP request with the same Idempotency-Key are the same request) and the bus message the
 * twin's controller dispatches.
 */
export interface InboxCommand {
  params: readonly string[];
  /** Absent for commands whose HTTP twin takes no body: then `data` holds the params only. */
  dto?: Type<object>;
  path(params: Params): string;
  build(body: object, params: Params, context: CommandContext): BusMessage;
}

/** Typed per DTO here; the table stores it erased, since `body` is an instance of `dto`. */
const command = <D extends object>(
  build: (dto: D, params: Params, context: CommandContext) => BusMessage, params: string[], dto: Type<D> | undefined, path: InboxCommand['path'],
): InboxCommand => ({ params, dto, path, build: build as InboxCommand['build'] });

/** Every command an agency's system may publish to its inbox, by `type`. */
export const INBOX_COMMANDS: Readonly<Record<string, InboxCommand>> = {
  RegisterSubject: command(
    (dto: RegisterSubjectDto, _, ctx) => new SubjectCommandMessage({ type: 'RegisterSubject', data: { ...plain(dto) }, metadata: metadataOf(ctx) }, ctx),
    [], RegisterSubjectDto, () => '/subjects',
  ),
  GrantResidence: command(
    (dto: GrantResidenceDto, { subjectId }, ctx) =>
      new SubjectCommandMessage({ type: 'GrantResidence', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
    ['subjectId'], GrantResidenceDto, (p) => `/subjects/${p.subjectId}/residence`,
  ),
  LinkHousehold: command(
    (dto: LinkHouseholdDto, { subjectId }, ctx) =>
      new SubjectCommandMessage({ type: 'LinkHousehold', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
    ['subjectId'], LinkHouseholdDto, (p) => `/subjects/${p.subjectId}/household`,
  ),
  // `data.agency` is the coordinator being designated; the designating agency is the topic's owner.
  DesignateCoordinator: command(
    (dto: DesignateCoordinatorDto, { subjectId }, ctx) => {
      const { agency, caseworker, basis } = plain(dto);
      const data = { subjectId, agency, ...(caseworker !== undefined ? { caseworker } : {}), basis: toSharingBasis(basis) };
      return new SubjectCommandMessage({ type: 'DesignateCoordinator', data, metadata: metadataOf(ctx) }, ctx);
    },
    ['subjectId'], DesignateCoordinatorDto, (p) => `/subjects/${p.subjectId}/coordinator`,
  ),
  RecordContact: command(
    (dto: RecordContactDto, { subjectId }, ctx) =>
      new ContactCommandMessage({ type: 'RecordContact', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
    ['subjectId'], RecordContactDto, (p) => `/subjects/${p.subjectId}/contacts`,
  ),
  GiveConsent: command(
    (dto: GiveConsentDto, { subjectId }, ctx) => {
      const data = { ...plain(dto), subjectId, recipients: plain(dto.recipients) as ConsentRecipient[] };
      return new ConsentCommandMessage({ type: 'GiveConsent', data, metadata: metadataOf(ctx) }, ctx);
    },
    ['subjectId'], GiveConsentDto, (p) => `/subjects/${p.subjectId}/consents`,
  ),
  WithdrawConsent: command(
    (dto: WithdrawConsentDto, { subjectId, consentId }, ctx) =>
      new ConsentCommandMessage({ type: 'WithdrawConsent', data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) }, ctx),
    ['subjectId', 'consentId'], WithdrawConsentDto, (p) => `/subjects/${p.subjectId}/consents/${p.consentId}/withdrawal`,
  ),
  ConfirmConsent: command(
    (dto: ConfirmConsentDto, { subjectId, consentId }, ctx) =>
      new ConsentCommandMessage({ type: 'ConfirmConsent', data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) }, ctx),
    ['subjectId', 'consentId'], ConfirmConsentDto, (p) => `/subjects/${p.subjectId}/consents/${p.consentId}/confirmation`,
  ),
  RejectConsent: command(
    (dto: RejectConsentDto, { subjectId, consentId }, ctx) =>
      new ConsentCommandMessage({ type: 'RejectConsent', data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) }, ctx),
    ['subjectId', 'consentId'], RejectConsentDto, (p) => `/subjects/${p.subjectId}/consents/${p.consentId}/rejection`,
  ),
  SendReferral: command(
    (dto: SendReferralDto, _, ctx) =>
      new ReferralCommandMessage({ type: 'SendReferral', data: { ...plain(dto), basis: toSharingBasis(dto.basis) }, metadata: metadataOf(ctx) }, ctx),
    [], SendReferralDto, () => '/referrals',
  ),
  AcknowledgeReferral: command(
    (_: object, { referralId }, ctx) => new ReferralCommandMessage({ type: 'AcknowledgeReferral', data: { referralId }, metadata: metadataOf(ctx) }, ctx),
    ['referralId'], undefined, (p) => `/referrals/${p.referralId}/acknowledgement`,
  ),
  AcceptReferral: command(
    (dto: AcceptReferralDto, { referralId }, ctx) =>
      new ReferralCommandMessage({ type: 'AcceptReferral', data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) }, ctx),
    ['referralId'], AcceptReferralDto, (p) => `/referrals/${p.referralId}/acceptance`,
  ),
  DeclineReferral: command(
    (dto: DeclineReferralDto, { referralId }, ctx) =>
      new ReferralCommandMessage({ type: 'DeclineReferral', data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) }, ctx),
    ['referralId'], DeclineReferralDto, (p) => `/referrals/${p.referralId}/decline`,
  ),
  CompleteReferral: command(
    (dto: CompleteReferralDto, { referralId }, ctx) =>
      new ReferralCommandMessage({ type: 'CompleteReferral', data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) }, ctx),
    ['referralId'], CompleteReferralDto, (p) => `/referrals/${p.referralId}/completion`,
  ),
  // The body's `referralId` is the new referral's, so the URL's id (the declined one) has its own name.
  ReReferReferral: command(
    (dto: ReReferDto, { declinedReferralId }, ctx) => new ReReferralMessage(declinedReferralId, plain(dto), ctx),
    ['declinedReferralId'], ReReferDto, (p) => `/referrals/${p.declinedReferralId}/re-referral`,
  ),
};

export const inboxCommandTypes = (): string[] => Object.keys(INBOX_COMMANDS);
