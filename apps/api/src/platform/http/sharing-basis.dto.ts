import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import type { SharingBasis } from '@samhandling/domain';

/** A legal-basis catalog entry or a consent, as referrals and coordinator designations name it. */
export class SharingBasisDto {
  @ApiProperty({ enum: ['legal', 'consent'] }) @IsIn(['legal', 'consent']) kind: 'legal' | 'consent';

  @ApiPropertyOptional({ description: 'Legal-basis catalog entry id, when kind is legal' })
  @ValidateIf((b: SharingBasisDto) => b.kind === 'legal') @IsString() @Length(1, 100)
  entryId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Consent id, when kind is consent' })
  @ValidateIf((b: SharingBasisDto) => b.kind === 'consent') @IsUUID()
  consentId?: string;
}

/** The validated DTO as the domain's basis (the field of the chosen kind is present by validation). */
export const toSharingBasis = (dto: SharingBasisDto): SharingBasis =>
  dto.kind === 'legal' ? { kind: 'legal', entryId: dto.entryId! } : { kind: 'consent', consentId: dto.consentId! };
