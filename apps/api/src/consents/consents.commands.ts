import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { ConsentRecipient } from '@samhandling/domain';
import { ConsentCommandMessage, metadataOf, plain } from '../platform/commands/command-message';
import { declareCommand } from '../platform/commands/command-declaration';
import { IsDateOrDateTime } from '../platform/http/formats';
import { ConfirmConsentDto, GiveConsentDto, RejectConsentDto, WithdrawConsentDto } from './consents.dto';

/**
 * An objection: the person does not want the named recipients to receive these categories for
 * these purposes. It takes effect when recorded (or from `validFrom`) and holds until withdrawn,
 * whichever service records it; it can never be mistaken for a permit.
 */
export class RecordObjectionDto extends OmitType(GiveConsentDto, ['consentId', 'decision', 'validFrom', 'validUntil'] as const) {
  @ApiProperty({ format: 'uuid', description: 'Its id: withdrawing the objection is WithdrawConsent with this id' }) @IsUUID() objectionId: string;
  @ApiPropertyOptional({ description: 'Default: now' }) @IsOptional() @IsDateOrDateTime() validFrom?: string;
}

type ConsentStep = 'WithdrawConsent' | 'ConfirmConsent' | 'RejectConsent';
const step = (type: ConsentStep) => (dto: object, { subjectId, consentId }: Record<string, string>, ctx: Parameters<typeof metadataOf>[0]) =>
  new ConsentCommandMessage({ type, data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) } as ConsentCommandMessage['command'], ctx);

export const CONSENT_COMMANDS = [
  declareCommand({
    name: 'GiveConsent', tag: 'consents', operation: 'give', path: 'subjects/:subjectId/consents', dto: GiveConsentDto,
    summary: 'GiveConsent (or record an objection with decision=deny)', stream: 'consent', produces: ['ConsentGiven'],
    build: (dto: GiveConsentDto, { subjectId }, ctx) => {
      const data = { ...plain(dto), subjectId, recipients: plain(dto.recipients) as ConsentRecipient[] };
      return new ConsentCommandMessage({ type: 'GiveConsent', data, metadata: metadataOf(ctx) }, ctx);
    },
  }),
  declareCommand({
    name: 'WithdrawConsent', tag: 'consents', operation: 'withdraw', path: 'subjects/:subjectId/consents/:consentId/withdrawal', dto: WithdrawConsentDto,
    summary: 'WithdrawConsent: stops every later disclosure under it',
    description: 'Recorded by a service involved with the person, or the consent\'s recorder or a recipient (403 WRITER.NOT_INVOLVED otherwise); '
      + 'evidence of how the person withdrew is required unless the caller recorded the consent (400 CONSENT.WITHDRAWAL_EVIDENCE_REQUIRED).',
    stream: 'consent', produces: ['ConsentWithdrawn'], build: step('WithdrawConsent'),
  }),
  declareCommand({
    name: 'ConfirmConsent', tag: 'consents', operation: 'confirm', path: 'subjects/:subjectId/consents/:consentId/confirmation', dto: ConfirmConsentDto,
    summary: 'ConfirmConsent: the calling agency checked the evidence and relies on the consent for its own records',
    description: 'A consent unlocks an agency\'s records only if that agency recorded it, confirmed it, or its evidence has an assurance level the '
      + 'catalog accepts for the category. Only a service involved with the person may confirm (403 WRITER.NOT_INVOLVED); its recorder needs not (409 CONSENT.RECORDED_BY_YOU).',
    stream: 'consent', produces: ['ConsentConfirmed'], build: step('ConfirmConsent'),
  }),
  declareCommand({
    name: 'RejectConsent', tag: 'consents', operation: 'reject', path: 'subjects/:subjectId/consents/:consentId/rejection', dto: RejectConsentDto,
    summary: 'RejectConsent: the calling agency will not rely on the consent for its records (it stays valid for the others)',
    stream: 'consent', produces: ['ConsentRejected'], build: step('RejectConsent'),
  }),
  declareCommand({
    name: 'RecordObjection', writer: 'GiveConsent', tag: 'consents', operation: 'object', path: 'subjects/:subjectId/objections', dto: RecordObjectionDto,
    summary: 'RecordObjection: the person objects to sharing, through any service; it beats every permit at once',
    description: 'Recorded as ConsentGiven with decision=deny (the consent\'s id is `objectionId`), under GiveConsent\'s writer rule: the person may object '
      + 'through any service. Withdraw it with WithdrawConsent.',
    inbox: {
      examples: [{
        name: 'object-to-nav',
        headers: {},
        payload: {
          id: 'objection-2026-11-20-0001',
          type: 'RecordObjection',
          actor: 'kari.nordmann',
          data: {
            subjectId: '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f',
            objectionId: '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f',
            grantor: { kind: 'self' },
            recipients: [{ agencyKind: 'nav' }],
            categories: ['health'],
            purposes: ['follow_up'],
            evidence: { kind: 'verbal', reference: 'told at the front desk, note 2026/881' },
            interpreterUsed: false,
          },
        },
      }],
    },
    stream: 'consent', produces: ['ConsentGiven'],
    build: (dto: RecordObjectionDto, { subjectId }, ctx) => {
      const metadata = metadataOf(ctx);
      const { objectionId, validFrom, ...terms } = plain(dto);
      const data = { ...terms, consentId: objectionId, decision: 'deny' as const, subjectId, validFrom: validFrom ?? metadata.now, recipients: terms.recipients as ConsentRecipient[] };
      return new ConsentCommandMessage({ type: 'GiveConsent', data, metadata }, ctx);
    },
  }),
];
