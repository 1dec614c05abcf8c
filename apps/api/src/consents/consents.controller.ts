import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../platform/auth/auth.guard';
import type { Caller } from '../platform/auth/token-verifier';
import { PendingConsentsQueryDto } from './consents.dto';
import { PendingConsents } from './pending-consents';

@ApiTags('consents')
@Controller()
export class ConsentsController {
  constructor(private readonly pendingConsents: PendingConsents) {}

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
}
