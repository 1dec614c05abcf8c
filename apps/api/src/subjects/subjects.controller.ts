import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { metadataOf, plain, SubjectCommandMessage } from '../commands/command-message';
import type { CommandContext, CommandResult } from '../commands/handle-command';
import { CommandEndpoint } from '../http/api-docs';
import { toSharingBasis } from '../http/sharing-basis.dto';
import { CommandCtx } from '../http/command-context';
import { respond } from '../http/respond';
import { DesignateCoordinatorDto, GrantResidenceDto, LinkHouseholdDto, RegisterSubjectDto } from './subjects.dto';

@ApiTags('subjects')
@Controller('subjects')
export class SubjectsController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'RegisterSubject' })
  @CommandEndpoint('SubjectRegistered')
  async register(@Body() dto: RegisterSubjectDto, @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.bus.execute<SubjectCommandMessage, CommandResult>(
      new SubjectCommandMessage({ type: 'RegisterSubject', data: { ...plain(dto) }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }

  @Post(':subjectId/residence')
  @ApiOperation({ summary: 'GrantResidence (national authorities only)' })
  @CommandEndpoint('ResidenceGranted')
  async grantResidence(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Body() dto: GrantResidenceDto,
    @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute<SubjectCommandMessage, CommandResult>(
      new SubjectCommandMessage({ type: 'GrantResidence', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }

  @Post(':subjectId/household')
  @ApiOperation({ summary: 'LinkHousehold' })
  @CommandEndpoint('HouseholdLinked')
  async linkHousehold(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Body() dto: LinkHouseholdDto,
    @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute<SubjectCommandMessage, CommandResult>(
      new SubjectCommandMessage({ type: 'LinkHousehold', data: { ...plain(dto), subjectId }, metadata: metadataOf(ctx) }, ctx),
    );
    return respond(res, result);
  }

  @Post(':subjectId/coordinator')
  @ApiOperation({
    summary: 'DesignateCoordinator: the single point of entry for the person, on their consent (naming that agency) or a catalog basis',
  })
  @CommandEndpoint('CoordinatorDesignated')
  async designateCoordinator(
    @Param('subjectId', ParseUUIDPipe) subjectId: string, @Body() dto: DesignateCoordinatorDto,
    @CommandCtx() ctx: CommandContext, @Res({ passthrough: true }) res: Response,
  ) {
    const { agency, caseworker, basis } = plain(dto);
    const result = await this.bus.execute<SubjectCommandMessage, CommandResult>(
      new SubjectCommandMessage({
        type: 'DesignateCoordinator', data: { subjectId, agency, ...(caseworker !== undefined ? { caseworker } : {}), basis: toSharingBasis(basis) }, metadata: metadataOf(ctx),
      }, ctx),
    );
    return respond(res, result);
  }
}
