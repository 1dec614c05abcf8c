import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DATA_CATEGORIES, type DataCategory } from '@samhandling/domain';
import { DISCLOSURE_KINDS, type DisclosureKind } from '@samhandling/audit';
import { DATE_OR_DATE_TIME, IsDateOrDateTime, IsWholeNumber } from '../platform/http/formats';

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** `paa-13b-1-7`, `legal:paa-13b-1-7@2026-01`, `consent:<id>` or `referral:<id>`. */
const BASIS = /^(?:(?:consent|referral):[\x21-\x7e]{1,200}|(?:legal:)?[a-z0-9-]{1,100}(?:@[A-Za-z0-9._-]{1,40})?)$/;
const NOT_BLANK = /\S/;

/** Filters shared by the query and the export; every one is checked, unknown ones refused. */
export class DisclosureFiltersDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() subjectId?: string;
  @ApiPropertyOptional({ example: 'oslo-refugee' }) @IsOptional() @Matches(AGENCY_ID, { message: 'recipient must be an agency id' }) recipient?: string;
  @ApiPropertyOptional({ example: 'oslo-health' }) @IsOptional() @Matches(AGENCY_ID, { message: 'discloser must be an agency id' }) discloser?: string;

  @ApiPropertyOptional({ example: 'paa-13b-1-7', description: 'Catalog entry (optionally legal:<entry>@<version>), consent:<id> or referral:<id>' })
  @IsOptional() @Matches(BASIS, { message: 'basis must be a catalog entry id (e.g. paa-13b-1-7 or legal:paa-13b-1-7@2026-01), consent:<id> or referral:<id>' })
  basis?: string;

  @ApiPropertyOptional({ enum: DATA_CATEGORIES }) @IsOptional() @IsIn(DATA_CATEGORIES) category?: DataCategory;
  @ApiPropertyOptional({ enum: DISCLOSURE_KINDS }) @IsOptional() @IsIn(DISCLOSURE_KINDS) kind?: DisclosureKind;
  @ApiPropertyOptional({ description: `occurredAt ≥ from; ${DATE_OR_DATE_TIME}`, example: '2026-01-01' }) @IsOptional() @IsDateOrDateTime() from?: string;
  @ApiPropertyOptional({ description: `occurredAt < to; ${DATE_OR_DATE_TIME}`, example: '2026-07-01' }) @IsOptional() @IsDateOrDateTime() to?: string;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page', minimum: 0 }) @IsOptional() @IsWholeNumber('after', 0) after?: number;
}

export class DisclosureQueryDto extends DisclosureFiltersDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsWholeNumber('limit', 1, 500) limit?: number;
}

export class ExportQueryDto extends DisclosureFiltersDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'fhir'], default: 'jsonl' }) @IsOptional() @IsIn(['jsonl', 'fhir']) format?: 'jsonl' | 'fhir';
}

export class BreakGlassQueueDto {
  @ApiPropertyOptional({ enum: ['pending', 'reviewed'], default: 'pending' }) @IsOptional() @IsIn(['pending', 'reviewed']) status?: 'pending' | 'reviewed';
  @ApiPropertyOptional({ description: 'nextCursor of the previous page', minimum: 0 }) @IsOptional() @IsWholeNumber('after', 0) after?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsWholeNumber('limit', 1, 500) limit?: number;
}

export class ReviewDto {
  @ApiProperty({ enum: ['approved', 'flagged'] }) @IsIn(['approved', 'flagged']) decision: 'approved' | 'flagged';

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when flagged: what was wrong' })
  @ValidateIf((o: ReviewDto) => o.decision === 'flagged' || o.comment !== undefined)
  @IsString() @Matches(NOT_BLANK, { message: 'comment must say why (required when flagged)' }) @MaxLength(2000)
  comment?: string;
}

export class PostponementDto {
  @ApiProperty({ maxLength: 2000, example: 'Ongoing child welfare investigation (Child Welfare Act §2-2)' })
  @IsString() @Matches(NOT_BLANK, { message: 'reason must say why notice is postponed' }) @MaxLength(2000)
  reason: string;

  @ApiProperty({ example: '2027-03-01', description: 'When the entry becomes visible to the person; must be in the future' })
  @IsDateOrDateTime()
  visibleFrom: string;
}

export class AccessReportQueryDto {
  @ApiPropertyOptional({ enum: ['postponed'], description: "Officer's view: show entries whose notice is postponed, with reason and date" })
  @IsOptional() @IsIn(['postponed']) include?: 'postponed';

  @ApiPropertyOptional({ enum: ['json', 'text'], description: 'Or send Accept: text/plain' }) @IsOptional() @IsIn(['json', 'text']) format?: 'json' | 'text';
}
