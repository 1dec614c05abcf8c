import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { metadataOf, plain, SubjectCommandMessage } from '../platform/commands/command-message';
import { declareCommand, lines } from '../platform/commands/command-declaration';
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
    inbox: {
      description: lines(
        '`agency` is the agency designated (it may be the sender); the designating agency is the',
        'topic\'s. The basis is an active consent of the person naming the coordinator, or a catalog',
        'entry reaching the coordinator\'s kind; a voluntary organisation only on consent.',
      ),
      examples: [{
        name: 'designate-on-consent',
        headers: {},
        payload: {
          id: 'coordinator-2026-0042',
          type: 'DesignateCoordinator',
          actor: 'kari.nordmann',
          data: {
            subjectId: '3f0c9a52-8a51-4f3e-9a43-2f1d0c6b7e11',
            agency: 'oslo-refugee',
            caseworker: 'Kari (introduction programme)',
            basis: { kind: 'consent', consentId: '9b2e4f10-5c3d-4a8e-b1f7-6d0a2c4e8f31' },
          },
        },
      }],
    },
    summary: 'DesignateCoordinator: the single point of entry for the person, on their consent (naming that agency) or a catalog basis',
    stream: 'subject', produces: ['CoordinatorDesignated'],
    build: (dto: DesignateCoordinatorDto, { subjectId }, ctx) => {
      const { agency, caseworker, basis } = plain(dto);
      const data = { subjectId, agency, ...(caseworker !== undefined ? { caseworker } : {}), basis: toSharingBasis(basis) };
      return new SubjectCommandMessage({ type: 'DesignateCoordinator', data, metadata: metadataOf(ctx) }, ctx);
    },
  }),
];
