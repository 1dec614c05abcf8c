import { BadRequestException, Controller, Get, Headers, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PURPOSES, type Purpose } from '@samhandling/domain';
import { JUSTIFICATION_MAX_LENGTH, JUSTIFICATION_MIN_LENGTH } from '@samhandling/policy';
import { CurrentCaller } from '../platform/auth/auth.guard';
import type { Caller } from '../platform/auth/token-verifier';
import { AgencyDirectory } from '@samhandling/config';
import { DecisionQueryDto } from './decision-query.dto';
import { BoardQueryDto, DEFAULT_BOARD_LIMIT } from './board-query.dto';
import { decodeBoardCursor } from './board-cursor';
import { READABLE_PROJECTIONS, type ReadableProjection } from './api-projections';
import { ReadService } from './read.service';
import { VISIBLE_TOKEN as REQUEST_ID } from '../platform/http/visible-token';
import { CustomReadService } from './custom/custom-read.service';

const JUSTIFICATION_LIMITS = `${JUSTIFICATION_MIN_LENGTH}–${JUSTIFICATION_MAX_LENGTH} characters`;

/**
 * The justification is checked here against the limits the policy applies, so a caller learns
 * that its header was missing or too short (400) rather than reading it as "no basis" (403).
 */
function checkJustification(purpose: string, justification: string | undefined): void {
  if (justification === undefined) {
    if (purpose === 'emergency') {
      throw new BadRequestException({ error: 'READ.JUSTIFICATION_REQUIRED', message: `purpose=emergency needs an X-Justification header of ${JUSTIFICATION_LIMITS}` });
    }
    return;
  }
  const length = justification.trim().length;
  if (length < JUSTIFICATION_MIN_LENGTH || justification.length > JUSTIFICATION_MAX_LENGTH) {
    throw new BadRequestException({ error: 'READ.INVALID_JUSTIFICATION', message: `X-Justification must be ${JUSTIFICATION_LIMITS} (at least ${JUSTIFICATION_MIN_LENGTH} not counting surrounding spaces)` });
  }
}

const JUSTIFICATION_HEADER = {
  name: 'X-Justification',
  schema: { type: 'string', minLength: JUSTIFICATION_MIN_LENGTH, maxLength: JUSTIFICATION_MAX_LENGTH },
} as const;

@ApiTags('reads')
@ApiBearerAuth()
@Controller()
export class ReadsController {
  constructor(private readonly reads: ReadService, private readonly customs: CustomReadService, private readonly directory: AgencyDirectory) {}

  @Get('referral-board')
  @ApiOperation({ summary: "The calling agency's referrals, incoming and outgoing, overdue first, a page per side; pass next.incoming or next.outgoing as cursor for the next page" })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Makes a retried read record one disclosure' })
  board(@Query() query: BoardQueryDto, @CurrentCaller() caller: Caller, @Headers('x-request-id') requestId: string | undefined) {
    if (requestId !== undefined && !REQUEST_ID.test(requestId)) {
      throw new BadRequestException({ error: 'READ.INVALID_REQUEST_ID', message: 'X-Request-Id must be 1–200 visible ASCII characters' });
    }
    const after = query.cursor === undefined ? undefined : decodeBoardCursor(query.cursor);
    if (after && query.side && after.side !== query.side) {
      throw new BadRequestException({ error: 'READ.INVALID_CURSOR', message: `cursor continues the ${after.side} side, not ${query.side}` });
    }
    return this.reads.referralBoard(caller, { side: query.side, limit: query.limit ?? DEFAULT_BOARD_LIMIT, after }, requestId);
  }

  @Get('subjects/:subjectId/decision')
  @ApiOperation({ summary: 'Explain a policy decision: may my agency see records of these categories held by that agency, and on which basis? Returns no data' })
  @ApiQuery({ name: 'purpose', enum: PURPOSES, required: true })
  @ApiQuery({ name: 'owner', description: 'Agency holding the record', required: true })
  @ApiQuery({ name: 'categories', description: 'Comma-separated data categories', required: true })
  @ApiHeader({ ...JUSTIFICATION_HEADER, required: false, description: `Written justification (${JUSTIFICATION_LIMITS}); required with purpose=emergency` })
  decision(
    @Param('subjectId', ParseUUIDPipe) subjectId: string,
    @Query() query: DecisionQueryDto,
    @Headers('x-justification') justification: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    checkJustification(query.purpose, justification);
    if (!this.directory.get(query.owner)) throw new BadRequestException({ error: 'AGENCY.NOT_FOUND', message: `Agency ${query.owner} is not in the agency directory` });
    return this.reads.explainDecision(caller, subjectId, query.purpose, query.owner, query.categories, justification);
  }

  @Get('subjects/:subjectId/projections/:projection')
  @ApiOperation({ summary: 'Read a projection about a person: only what your agency has a basis for, every read recorded as a disclosure' })
  @ApiParam({ name: 'projection', enum: READABLE_PROJECTIONS })
  @ApiQuery({ name: 'purpose', enum: PURPOSES, required: true })
  @ApiHeader({ ...JUSTIFICATION_HEADER, required: false, description: `Written justification (${JUSTIFICATION_LIMITS}); required with purpose=emergency, where it opens break-glass access, reviewed by a privacy officer` })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Makes a retried read record one disclosure' })
  @ApiOkResponse({ description: 'The allowed items and fields, with the bases they were disclosed on' })
  @ApiForbiddenResponse({ description: 'No basis: reason no_basis, consent_withdrawn, consent_expired, consent_not_yet_valid, consent_not_confirmed (a consent names the caller, but the discloser neither recorded nor confirmed it) or objection; the refusal is recorded' })
  read(
    @Param('subjectId', ParseUUIDPipe) subjectId: string,
    @Param('projection') projection: string,
    @Query('purpose') purpose: string | undefined,
    @Headers('x-justification') justification: string | undefined,
    @Headers('x-request-id') requestId: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    const custom = this.customs.has(projection);
    if (!custom && !(READABLE_PROJECTIONS as readonly string[]).includes(projection)) {
      const known = [...READABLE_PROJECTIONS, ...this.customs.names];
      throw new BadRequestException({ error: 'READ.UNKNOWN_PROJECTION', message: `Unknown projection ${JSON.stringify(projection)}; one of ${known.join(', ')}` });
    }
    if (!purpose || !(PURPOSES as readonly string[]).includes(purpose)) {
      throw new BadRequestException({ error: 'READ.PURPOSE_REQUIRED', message: `Query parameter purpose must be one of ${PURPOSES.join(', ')}` });
    }
    checkJustification(purpose, justification);
    if (requestId !== undefined && !REQUEST_ID.test(requestId)) {
      throw new BadRequestException({ error: 'READ.INVALID_REQUEST_ID', message: 'X-Request-Id must be 1–200 visible ASCII characters' });
    }
    if (custom) return this.customs.read({ caller, subjectId, projection, purpose: purpose as Purpose, justification, requestId });
    return this.reads.read({ caller, subjectId, projection: projection as ReadableProjection, purpose: purpose as Purpose, justification, requestId });
  }
}
