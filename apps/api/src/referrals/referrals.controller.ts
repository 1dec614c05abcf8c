import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ReferralCommand } from '@samhandling/domain';
import { toSharingBasis } from '../http/sharing-basis.dto';
import { metadataOf, plain, ReferralCommandMessage, ReReferralMessage } from '../commands/command-message';
import type { CommandContext, CommandResult } from '../commands/handle-command';
import { CommandEndpoint } from '../http/api-docs';
import { CommandCtx } from '../http/command-context';
import { respond } from '../http/respond';
import { AcceptReferralDto, CompleteReferralDto, DeclineReferralDto, ReReferDto, SendReferralDto } from './referrals.dto';

type AnswerCommand = Exclude<ReferralCommand, { type: 'SendReferral' | 'EscalateReferral' }>;

@ApiTags('referrals')
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'SendReferral from the calling agency, with its legal basis or consent and deadlines' })
  @CommandEndpoint('ReferralSent')
  async send(@Body() dto: SendReferralDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return this.run({ type: 'SendReferral', data: { ...plain(dto), basis: toSharingBasis(dto.basis) }, metadata: metadataOf(ctx) }, ctx, res);
  }

  @Post(':referralId/acknowledgement')
  @ApiOperation({ summary: 'AcknowledgeReferral (receiving agency)' })
  @CommandEndpoint('ReferralAcknowledged')
  acknowledge(@Param('referralId', ParseUUIDPipe) referralId: string, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return this.answer({ type: 'AcknowledgeReferral', data: { referralId }, metadata: metadataOf(ctx) }, ctx, res);
  }

  @Post(':referralId/acceptance')
  @ApiOperation({ summary: 'AcceptReferral (receiving agency)' })
  @CommandEndpoint('ReferralAccepted')
  accept(@Param('referralId', ParseUUIDPipe) referralId: string, @Body() dto: AcceptReferralDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return this.answer({ type: 'AcceptReferral', data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) }, ctx, res);
  }

  @Post(':referralId/decline')
  @ApiOperation({ summary: 'DeclineReferral with a reason and, if known, the right agency' })
  @CommandEndpoint('ReferralDeclined')
  decline(@Param('referralId', ParseUUIDPipe) referralId: string, @Body() dto: DeclineReferralDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return this.answer({ type: 'DeclineReferral', data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) }, ctx, res);
  }

  @Post(':referralId/completion')
  @ApiOperation({ summary: 'CompleteReferral with its outcome (receiving agency)' })
  @CommandEndpoint('ReferralCompleted')
  complete(@Param('referralId', ParseUUIDPipe) referralId: string, @Body() dto: CompleteReferralDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return this.answer({ type: 'CompleteReferral', data: { ...plain(dto), referralId }, metadata: metadataOf(ctx) }, ctx, res);
  }

  @Post(':referralId/re-referral')
  @ApiOperation({
    summary: 'Re-refer a declined referral in one step (its sender): same matter, basis and categories, to the suggested agency unless `to` says otherwise, chained by previousReferralId',
  })
  @CommandEndpoint('ReferralSent')
  async reRefer(@Param('referralId', ParseUUIDPipe) referralId: string, @Body() dto: ReReferDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.bus.execute<ReReferralMessage, CommandResult>(new ReReferralMessage(referralId, plain(dto), ctx));
    return respond(res, result);
  }

  private answer(command: AnswerCommand, ctx: CommandContext, res: Response) {
    return this.run(command, ctx, res);
  }

  private async run(command: ReferralCommand, ctx: CommandContext, res: Response) {
    const result = await this.bus.execute<ReferralCommandMessage, CommandResult>(new ReferralCommandMessage(command, ctx));
    return respond(res, result);
  }
}
