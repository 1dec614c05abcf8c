import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { DATA_CATEGORIES, REFERRAL_PURPOSES, type DataCategory, type Purpose } from '@samhandling/domain';
import { SharingBasisDto } from '../platform/http/sharing-basis.dto';
import { IsDateOrDateTime } from '../platform/http/formats';

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class SendReferralDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() referralId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId: string;
  @ApiProperty({ example: 'oslo-health' }) @Matches(AGENCY_ID, { message: 'to must be an agency id' }) to: string;
  @ApiProperty({ maxLength: 4000 }) @IsString() @Length(1, 4000) reason: string;

  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(DATA_CATEGORIES.length) @IsIn(DATA_CATEGORIES, { each: true })
  categories: DataCategory[];

  @ApiProperty({ type: SharingBasisDto }) @ValidateNested() @Type(() => SharingBasisDto) @IsDefined() basis: SharingBasisDto;
  @ApiPropertyOptional({
    enum: REFERRAL_PURPOSES,
    description: 'What the referral is for: its disclosure is recorded (and told to the person) under this purpose. Without it, the purpose the basis names: the catalog entry\'s, or the consent\'s own',
  })
  @IsOptional() @IsIn(REFERRAL_PURPOSES)
  purpose?: Purpose;
  @ApiProperty({ description: 'Deadline for the receiving agency to acknowledge' }) @IsDateOrDateTime() acknowledgeBy: string;
  @ApiProperty({ description: 'Deadline for an answer (accept or decline)' }) @IsDateOrDateTime() answerBy: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The declined referral this one follows up' }) @IsOptional() @IsUUID() previousReferralId?: string;
}

export class ReReferDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the new referral' }) @IsUUID() referralId: string;
  @ApiPropertyOptional({ example: 'nav-oslo', description: 'Defaults to the agency the decliner suggested' })
  @IsOptional() @Matches(AGENCY_ID, { message: 'to must be an agency id' })
  to?: string;
  @ApiPropertyOptional({ maxLength: 4000, description: 'Defaults to the declined referral\'s reason' }) @IsOptional() @IsString() @Length(1, 4000) reason?: string;
  @ApiProperty() @IsDateOrDateTime() acknowledgeBy: string;
  @ApiProperty() @IsDateOrDateTime() answerBy: string;
}

export class AcceptReferralDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;
}

export class DeclineReferralDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
  @ApiPropertyOptional({ example: 'nav-oslo' }) @IsOptional() @Matches(AGENCY_ID, { message: 'suggestedAgency must be an agency id' }) suggestedAgency?: string;
}

export class CompleteReferralDto {
  @ApiProperty() @IsString() @Length(1, 4000) outcome: string;
}
