import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ConsentRecipient } from '@samhandling/domain';
import { ConsentCommandMessage, metadataOf, plain } from '../commands/command-message';
import type { CommandContext, CommandResult } from '../commands/handle-command';
import { CommandEndpoint } from '../http/api-docs';
import { CommandCtx } from '../http/command-context';
import { respond } from '../http/respond';
import { GiveConsentDto, WithdrawConsentDto } from './consents.dto';

@ApiTags('consents')
@Controller('subjects/:subjectId/consents')
export class ConsentsController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
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

  @Post(':consentId/withdrawal')
  @ApiOperation({ summary: 'WithdrawConsent: stops every later disclosure under it' })
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
}
