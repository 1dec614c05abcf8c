import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { metadataOf, plain, SubjectCommandMessage } from '../platform/commands/command-message';
import { declareCommand } from '../platform/commands/command-declaration';
import { SharingBasisDto, toSharingBasis } from '../platform/http/sharing-basis.dto';

/**
 * Coordination: one service the person can turn to, designated on the person's consent naming it
 * or on a catalog entry for coordinating. Recorded on the person's stream; served under the
 * `subjects` tag, as before.
 */
export class DesignateCoordinatorDto {
  @ApiProperty({ example: 'oslo-refugee', description: 'The coordinating agency' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'agency must be an agency id' })
  agency: string;

  @ApiPropertyOptional({ description: 'The caseworker the person can turn to (name or role)', maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200)
  caseworker?: string;

  @ApiProperty({ type: SharingBasisDto, description: 'An active consent naming the coordinator, or a catalog entry reaching its kind' }) @ValidateNested() @Type(() => SharingBasisDto) @IsDefined() basis: SharingBasisDto;
}

export const COORDINATION_COMMANDS = [
  // `agency` is the coordinator being designated; the designating agency is the caller.
  declareCommand({
    name: 'DesignateCoordinator', tag: 'subjects', operation: 'designateCoordinator', path: 'subjects/:subjectId/coordinator', dto: DesignateCoordinatorDto,
    summary: 'DesignateCoordinator: the single point of entry for the person, on their consent (naming that agency) or a catalog basis',
    produces: 'CoordinatorDesignated',
    build: (dto: DesignateCoordinatorDto, { subjectId }, ctx) => {
      const { agency, caseworker, basis } = plain(dto);
      const data = { subjectId, agency, ...(caseworker !== undefined ? { caseworker } : {}), basis: toSharingBasis(basis) };
      return new SubjectCommandMessage({ type: 'DesignateCoordinator', data, metadata: metadataOf(ctx) }, ctx);
    },
  }),
];
