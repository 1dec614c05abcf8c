import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, IsString, IsUUID, Length, Matches,
  Validate, ValidateNested, ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface,
} from 'class-validator';
import { AGENCY_KINDS, DATA_CATEGORIES, PURPOSES, type AgencyKind, type DataCategory, type Purpose } from '@samhandling/domain';
import { IsDateOrDateTime, IsWholeNumber } from '../platform/http/formats';

export class GrantorDto {
  @ApiProperty({ enum: ['self', 'guardian', 'representative'] }) @IsIn(['self', 'guardian', 'representative']) kind: 'self' | 'guardian' | 'representative';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
}

@ValidatorConstraint({ name: 'exactlyOneRecipient' })
class ExactlyOneOfAgencyOrKind implements ValidatorConstraintInterface {
  validate(_: unknown, args: ValidationArguments): boolean {
    const r = args.object as RecipientDto;
    return (r.agency === undefined) !== (r.agencyKind === undefined);
  }
  defaultMessage(): string {
    return 'each recipient names exactly one of agency or agencyKind';
  }
}

/** Exactly one of `agency` (a named agency) or `agencyKind` (every agency of that kind). */
export class RecipientDto {
  @ApiPropertyOptional({ example: 'oslo-refugee' })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'recipient agency must be an agency id' })
  agency?: string;

  @ApiPropertyOptional({ enum: AGENCY_KINDS })
  @IsOptional() @IsIn(AGENCY_KINDS)
  agencyKind?: AgencyKind;

  // Not a field: carries the cross-field rule, since class-validator checks properties one by one.
  @Validate(ExactlyOneOfAgencyOrKind)
  private readonly exactlyOne?: never;
}

export class EvidenceDto {
  @ApiProperty({ enum: ['written', 'verbal', 'digital'] }) @IsIn(['written', 'verbal', 'digital']) kind: 'written' | 'verbal' | 'digital';
  @ApiPropertyOptional({ description: 'Where the signed form or the note of a verbal consent is kept' })
  @IsOptional() @IsString() @Length(1, 500)
  reference?: string;

  @ApiPropertyOptional({
    description: 'SHA-256 (64 lowercase hex digits) of the form or of the file the person signed. With `reference`, it raises the assurance '
      + 'level (written form → `written`, digitally signed → `signed`), which the catalog may accept for some categories without each discloser confirming',
    pattern: '^[0-9a-f]{64}$',
  })
  @IsOptional() @Matches(/^[0-9a-f]{64}$/, { message: 'evidence.sha256 must be 64 lowercase hex digits' })
  sha256?: string;
}

export class GiveConsentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() consentId: string;
  @ApiProperty({ enum: ['permit', 'deny'], description: 'deny records an objection, which beats any permit' })
  @IsIn(['permit', 'deny'])
  decision: 'permit' | 'deny';

  @ApiProperty({ type: GrantorDto }) @ValidateNested() @Type(() => GrantorDto) @IsDefined() grantor: GrantorDto;

  @ApiProperty({ type: [RecipientDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RecipientDto)
  recipients: RecipientDto[];

  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(DATA_CATEGORIES.length) @IsIn(DATA_CATEGORIES, { each: true })
  categories: DataCategory[];

  @ApiProperty({ enum: PURPOSES, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(PURPOSES.length) @IsIn(PURPOSES, { each: true })
  purposes: Purpose[];

  @ApiProperty() @IsDateOrDateTime() validFrom: string;
  @ApiPropertyOptional() @IsOptional() @IsDateOrDateTime() validUntil?: string;
  @ApiProperty({ type: EvidenceDto }) @ValidateNested() @Type(() => EvidenceDto) @IsDefined() evidence: EvidenceDto;
  @ApiProperty() @IsBoolean() interpreterUsed: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(2, 50) interpreterLanguage?: string;
}

export class WithdrawConsentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) reason?: string;

  @ApiPropertyOptional({ type: EvidenceDto, description: 'How the person withdrew; required unless the calling agency recorded the consent' })
  @IsOptional() @ValidateNested() @Type(() => EvidenceDto)
  evidence?: EvidenceDto;
}

export class ConfirmConsentDto {
  @ApiPropertyOptional({ description: 'What was checked (e.g. "form archive 2026/1234 seen, hash matches")' })
  @IsOptional() @IsString() @Length(1, 1000)
  note?: string;
}

export class RejectConsentDto {
  @ApiProperty({ description: 'Why the consent cannot be relied on for this agency\'s records' }) @IsString() @Length(1, 1000) reason: string;
}

export class PendingConsentsQueryDto {
  @ApiPropertyOptional({ description: 'Subject id to continue after (the previous page\'s `next`)', format: 'uuid' })
  @IsOptional() @IsUUID()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @IsWholeNumber('limit', 1, 500)
  limit?: number;
}
