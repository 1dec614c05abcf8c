import { BadRequestException, Controller, Get, Headers, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PURPOSES, type Purpose } from '@samhandling/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/token-verifier';
import { AgencyDirectory } from '@samhandling/config';
import { DecisionQueryDto } from './decision-query.dto';
import { READABLE_PROJECTIONS, ReadService, type ReadableProjection } from './read.service';

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

@ApiTags('reads')
@ApiBearerAuth()
@Controller()
export class ReadsController {
  constructor(private readonly reads: ReadService, private readonly directory: AgencyDirectory) {}

  @Get('referral-board')
  @ApiOperation({ summary: "The calling agency's referrals, incoming and outgoing, overdue first" })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Makes a retried read record one disclosure' })
  board(@CurrentCaller() caller: Caller, @Headers('x-request-id') requestId: string | undefined) {
    if (requestId !== undefined && !REQUEST_ID.test(requestId)) {
      throw new BadRequestException({ error: 'READ.INVALID_REQUEST_ID', message: 'X-Request-Id must be 1–200 visible ASCII characters' });
    }
    return this.reads.referralBoard(caller, requestId);
  }

  @Get('subjects/:subjectId/decision')
  @ApiOperation({ summary: 'Explain a policy decision: may my agency see records of these categories held by that agency, and on which basis? Returns no data' })
  @ApiQuery({ name: 'purpose', enum: PURPOSES, required: true })
  @ApiQuery({ name: 'owner', description: 'Agency holding the record', required: true })
  @ApiQuery({ name: 'categories', description: 'Comma-separated data categories', required: true })
  decision(
    @Param('subjectId', ParseUUIDPipe) subjectId: string,
    @Query() query: DecisionQueryDto,
    @Headers('x-justification') justification: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    if (!this.directory.get(query.owner)) throw new BadRequestException({ error: 'AGENCY.NOT_FOUND', message: `Agency ${query.owner} is not in the agency directory` });
    return this.reads.explainDecision(caller, subjectId, query.purpose, query.owner, query.categories, justification);
  }

  @Get('subjects/:subjectId/projections/:projection')
  @ApiOperation({ summary: 'Read a projection about a person: only what your agency has a basis for, every read recorded as a disclosure' })
  @ApiParam({ name: 'projection', enum: READABLE_PROJECTIONS })
  @ApiQuery({ name: 'purpose', enum: PURPOSES, required: true })
  @ApiHeader({ name: 'X-Justification', required: false, description: 'Written justification; with purpose=emergency it opens break-glass access, reviewed by a privacy officer' })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Makes a retried read record one disclosure' })
  @ApiOkResponse({ description: 'The allowed items and fields, with the bases they were disclosed on' })
  @ApiForbiddenResponse({ description: 'No basis: reason no_basis, consent_withdrawn, consent_expired, consent_not_confirmed (a consent names the caller, but the discloser neither recorded nor confirmed it) or objection; the refusal is recorded' })
  read(
    @Param('subjectId', ParseUUIDPipe) subjectId: string,
    @Param('projection') projection: string,
    @Query('purpose') purpose: string | undefined,
    @Headers('x-justification') justification: string | undefined,
    @Headers('x-request-id') requestId: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    if (!(READABLE_PROJECTIONS as readonly string[]).includes(projection)) {
      throw new BadRequestException({ error: 'READ.UNKNOWN_PROJECTION', message: `Unknown projection ${JSON.stringify(projection)}; one of ${READABLE_PROJECTIONS.join(', ')}` });
    }
    if (!purpose || !(PURPOSES as readonly string[]).includes(purpose)) {
      throw new BadRequestException({ error: 'READ.PURPOSE_REQUIRED', message: `Query parameter purpose must be one of ${PURPOSES.join(', ')}` });
    }
    if (justification !== undefined && (justification.length > 2000 || justification.trim().length === 0)) {
      throw new BadRequestException({ error: 'READ.INVALID_JUSTIFICATION', message: 'X-Justification must be 1–2000 characters' });
    }
    if (requestId !== undefined && !REQUEST_ID.test(requestId)) {
      throw new BadRequestException({ error: 'READ.INVALID_REQUEST_ID', message: 'X-Request-Id must be 1–200 visible ASCII characters' });
    }
    return this.reads.read({ caller, subjectId, projection: projection as ReadableProjection, purpose: purpose as Purpose, justification, requestId });
  }
}
