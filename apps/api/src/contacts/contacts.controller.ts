import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ContactCommandMessage, metadataOf, plain } from '../commands/command-message';
import type { CommandContext, CommandResult } from '../commands/handle-command';
import { CommandEndpoint } from '../http/api-docs';
import { CommandCtx } from '../http/command-context';
import { respond } from '../http/respond';
import { RecordContactDto } from './contacts.dto';

@ApiTags('contacts')
@Controller('subjects/:subjectId/contacts')
export class ContactsController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'RecordContact: the calling agency records its own contact with the person' })
  @CommandEndpoint('ContactRecorded')
  async record(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Body() dto: RecordContactDto,
    @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute<ContactCommandMessage, CommandResult>(
      new ContactCommandMessage({ type: 'RecordContact', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }
}
