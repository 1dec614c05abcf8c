import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ConsentRecipient } from '@samhandling/domain';
import { ConsentCommandMessage, metadataOf, plain } from '../commands/command-message';
import type { CommandContext, CommandResult } from '../commands/handle-command';
import { CommandEndpoint } from '../http/api-docs';
import { CommandCtx } from '../http/command-context';
import { respond } from '../http/respond';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/token-verifier';
import { ConfirmConsentDto, GiveConsentDto, PendingConsentsQueryDto, RejectConsentDto, WithdrawConsentDto } from './consents.dto';
import { PendingConsents } from './pending-consents';

@ApiTags('consents')
@Controller()
export class ConsentsController {
  constructor(private readonly bus: CommandBus, private readonly pendingConsents: PendingConsents) {}

  @Get('consents/pending')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Consents waiting for the calling agency to confirm or reject',
    description: 'Active permits about people the caller holds records on, recorded by another agency, that the caller cannot yet rely on for every '
      + 'category they name (its records in `awaitingConfirmation` are not disclosed on them until it confirms). Paged by person: pass `next` as `after`.',
  })
  @ApiOkResponse({ description: '{ pending: [...], next: subjectId | null }' })
  async pending(@CurrentCaller() caller: Caller, @Query() query: PendingConsentsQueryDto) {
    return this.pendingConsents.of(caller.agency.id, query.after, query.limit ?? 100);
  }

  @Post('subjects/:subjectId/consents')
  @ApiOperation({ summary: 'GiveConsent (or record an objection with decision=deny)' })
  @CommandEndpoint('ConsentGiven')
  async give(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Body() dto: GiveConsentDto,
    @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const data = { ...plain(dto), subjectId, recipients: plain(dto.recipients) as ConsentRecipient[] };
    const result = await this.bus.execute<ConsentCommandMessage, CommandResult>(
      new ConsentCommandMessage({ type: 'GiveConsent', data, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }

  @Post('subjects/:subjectId/consents/:consentId/withdrawal')
  @ApiOperation({
    summary: 'WithdrawConsent: stops every later disclosure under it',
    description: 'Recorded by a service involved with the person, or the consent\'s recorder or a recipient (403 WRITER.NOT_INVOLVED otherwise); '
      + 'evidence of how the person withdrew is required unless the caller recorded the consent (400 CONSENT.WITHDRAWAL_EVIDENCE_REQUIRED).',
  })
  @CommandEndpoint('ConsentWithdrawn')
  async withdraw(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Param('consentId', ParseUUIDPipe) consentId: string,
    @Body() dto: WithdrawConsentDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute<ConsentCommandMessage, CommandResult>(
      new ConsentCommandMessage({ type: 'WithdrawConsent', data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }

  @Post('subjects/:subjectId/consents/:consentId/confirmation')
  @ApiOperation({
    summary: 'ConfirmConsent: the calling agency checked the evidence and relies on the consent for its own records',
    description: 'A consent unlocks an agency\'s records only if that agency recorded it, confirmed it, or its evidence has an assurance level the '
      + 'catalog accepts for the category. Only a service involved with the person may confirm (403 WRITER.NOT_INVOLVED); its recorder needs not (409 CONSENT.RECORDED_BY_YOU).',
  })
  @CommandEndpoint('ConsentConfirmed')
  async confirm(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Param('consentId', ParseUUIDPipe) consentId: string,
    @Body() dto: ConfirmConsentDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute<ConsentCommandMessage, CommandResult>(
      new ConsentCommandMessage({ type: 'ConfirmConsent', data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }

  @Post('subjects/:subjectId/consents/:consentId/rejection')
  @ApiOperation({
    summary: 'RejectConsent: the calling agency will not rely on the consent for its records (it stays valid for the others)',
  })
  @CommandEndpoint('ConsentRejected')
  async reject(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Param('consentId', ParseUUIDPipe) consentId: string,
    @Body() dto: RejectConsentDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute<ConsentCommandMessage, CommandResult>(
      new ConsentCommandMessage({ type: 'RejectConsent', data: { ...plain(dto), subjectId, consentId }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }
}
