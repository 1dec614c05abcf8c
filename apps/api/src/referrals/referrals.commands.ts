import type { ReferralCommand } from '@samhandling/domain';
import { metadataOf, plain, ReferralCommandMessage, ReReferralMessage } from '../platform/commands/command-message';
import { declareCommand, lines } from '../platform/commands/command-declaration';
import type { CommandContext } from '../platform/commands/handle-command';
import { toSharingBasis } from '../platform/http/sharing-basis.dto';
import { AcceptReferralDto, CompleteReferralDto, DeclineReferralDto, ReReferDto, SendReferralDto } from './referrals.dto';

type Answer = 'AcknowledgeReferral' | 'AcceptReferral' | 'DeclineReferral' | 'CompleteReferral';
/** The receiver's answers: the body's fields and the referral's id from the URL. */
const answer = (type: Answer) => (dto: object, { referralId }: Record<string, string>, ctx: CommandContext) =>
  new ReferralCommandMessage({ type, data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) } as ReferralCommand, ctx);

export const REFERRAL_COMMANDS = [
  declareCommand({
    name: 'SendReferral', tag: 'referrals', operation: 'send', path: 'referrals', dto: SendReferralDto,
    summary: 'SendReferral from the calling agency, with its legal basis or consent and deadlines', stream: 'referral', produces: ['ReferralSent'],
    build: (dto: SendReferralDto, _, ctx) =>
      new ReferralCommandMessage({ type: 'SendReferral', data: { ...plain(dto), basis: toSharingBasis(dto.basis) }, metadata: metadataOf(ctx) }, ctx),
  }),
  declareCommand({
    name: 'AcknowledgeReferral', tag: 'referrals', operation: 'acknowledge', path: 'referrals/:referralId/acknowledgement',
    summary: 'AcknowledgeReferral (receiving agency)', stream: 'referral', produces: ['ReferralAcknowledged'], build: answer('AcknowledgeReferral'),
  }),
  declareCommand({
    name: 'AcceptReferral', tag: 'referrals', operation: 'accept', path: 'referrals/:referralId/acceptance', dto: AcceptReferralDto,
    summary: 'AcceptReferral (receiving agency)', stream: 'referral', produces: ['ReferralAccepted', 'ReferralAcknowledged'], build: answer('AcceptReferral'),
  }),
  declareCommand({
    name: 'DeclineReferral', tag: 'referrals', operation: 'decline', path: 'referrals/:referralId/decline', dto: DeclineReferralDto,
    summary: 'DeclineReferral with a reason and, if known, the right agency', stream: 'referral', produces: ['ReferralDeclined'], build: answer('DeclineReferral'),
  }),
  declareCommand({
    name: 'CompleteReferral', tag: 'referrals', operation: 'complete', path: 'referrals/:referralId/completion', dto: CompleteReferralDto,
    summary: 'CompleteReferral with its outcome (receiving agency)', stream: 'referral', produces: ['ReferralCompleted'], build: answer('CompleteReferral'),
  }),
  // The body's `referralId` is the new referral's, so an inbox message names the declined one `declinedReferralId`.
  declareCommand({
    name: 'ReReferReferral', tag: 'referrals', operation: 'reRefer', path: 'referrals/:referralId/re-referral', dto: ReReferDto,
    inbox: {
      audience: 'the declined referral\'s sender',
      description: lines(
        'Re-sends a declined referral in one step: same person, reason, categories and basis, to the',
        'agency the decliner suggested unless `to` names another. The URL\'s {referralId}, the declined',
        'referral, travels as `declinedReferralId`: `referralId` is the new referral\'s. Appends an',
        'ordinary ReferralSent with `previousReferralId`. Key it by the person\'s id, as any command.',
      ),
    },
    inboxNames: { referralId: 'declinedReferralId' },
    summary: 'Re-refer a declined referral in one step (its sender): same matter, basis and categories, to the suggested agency unless `to` says otherwise, chained by previousReferralId',
    stream: 'referral', produces: ['ReferralSent'],
    build: (dto: ReReferDto, { referralId }, ctx) => new ReReferralMessage(referralId, plain(dto), ctx),
  }),
];
