import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { HOUSEHOLD_RELATIONS, type HouseholdRelation } from '@samhandling/domain';
import { IsDateOrDateTime } from '../platform/http/formats';

export class RegisterSubjectDto {
  @ApiProperty({ format: 'uuid', description: 'Chosen by the caller, so a retried registration is recognisable' })
  @IsUUID()
  subjectId: string;

  @ApiProperty() @IsString() @Length(1, 200) givenName: string;
  @ApiProperty() @IsString() @Length(1, 200) familyName: string;

  @ApiProperty({ example: '2012-04-30' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate: string;

  @ApiPropertyOptional({ description: 'National identity number or D-number' })
  @IsOptional() @Matches(/^\d{11}$/, { message: 'nationalId must be 11 digits' })
  nationalId?: string;
}

export class GrantResidenceDto {
  @ApiProperty() @IsBoolean() familyReunification: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'The reunited family member living in Norway' })
  @IsOptional() @IsUUID()
  sponsorId?: string;

  @ApiPropertyOptional({ enum: HOUSEHOLD_RELATIONS, description: 'What the sponsor is to this person; the household is linked in the same step' })
  @IsOptional() @IsIn(HOUSEHOLD_RELATIONS)
  relationToSponsor?: HouseholdRelation;

  @ApiProperty({ example: '0301', description: 'Municipality number of settlement' })
  @Matches(/^\d{4}$/, { message: 'municipality must be a 4-digit municipality number' })
  municipality: string;

  @ApiProperty({ example: '2026-11-01' }) @IsDateOrDateTime() grantedOn: string;
}

export class LinkHouseholdDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() memberId: string;
  @ApiProperty({ enum: HOUSEHOLD_RELATIONS }) @IsIn(HOUSEHOLD_RELATIONS) relation: HouseholdRelation;
}
