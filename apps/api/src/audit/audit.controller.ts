import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { fhirBundleEntry, fhirBundleParts, renderAccessReportText, toAuditEvent, type AuditRecord } from '@samhandling/audit';
import { CurrentCaller } from '../platform/auth/auth.guard';
import type { Caller } from '../platform/auth/token-verifier';
import { AccessReportQueryDto, BreakGlassQueueDto, DisclosureQueryDto, ExportQueryDto, PostponementDto, ReviewDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'AUTH.ROLE_REQUIRED: the token lacks the privacy-officer role' })
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('disclosures')
  @ApiOperation({ summary: 'Disclosures within your scope, by subject, recipient, discloser, basis, category, kind and period; pages by chain position' })
  query(@CurrentCaller() caller: Caller, @Query() dto: DisclosureQueryDto) {
    return this.audit.query(caller, dto);
  }

  @Get('break-glass')
  @ApiOperation({ summary: 'Break-glass disclosures awaiting review (status=pending) or reviewed' })
  queue(@CurrentCaller() caller: Caller, @Query() dto: BreakGlassQueueDto) {
    return this.audit.breakGlassQueue(caller, dto);
  }

  @Post('break-glass/:disclosureId/review')
  @ApiOperation({ summary: 'Approve or flag (with a comment) a break-glass disclosure; recorded once, never changed' })
  review(@CurrentCaller() caller: Caller, @Param('disclosureId', ParseUUIDPipe) disclosureId: string, @Body() dto: ReviewDto) {
    return this.audit.review(caller, disclosureId, dto);
  }

  @Post('disclosures/:disclosureId/postponement')
  @ApiOperation({ summary: "Postpone the person's notice of a disclosure until a date, with the reason (e.g. an ongoing child welfare investigation)" })
  postpone(@CurrentCaller() caller: Caller, @Param('disclosureId', ParseUUIDPipe) disclosureId: string, @Body() dto: PostponementDto) {
    return this.audit.postpone(caller, disclosureId, dto);
  }

  /** 200 whatever the answer: the check ran; `chain: 'broken'` is its finding, not an error. */
  @Get('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Walk the whole hash chain; figures for your scope only: {chain: valid, records, lastSeq, lastHash} or {chain: broken, problem, records, verified, firstUnproven}',
  })
  verify(@CurrentCaller() caller: Caller) {
    return this.audit.verify(caller);
  }

  @Get('export')
  @ApiOperation({ summary: 'Export disclosures in scope as JSON Lines (one chained record per line) or a FHIR R5 Bundle of AuditEvents' })
  @ApiProduces('application/x-ndjson', 'application/fhir+json')
  async export(@CurrentCaller() caller: Caller, @Query() dto: ExportQueryDto, @Res() res: Response): Promise<void> {
    const pages = this.audit.exportPages(caller, dto);
    // The first page is read before anything is sent, so a failing query still gets a proper error body.
    const first = await pages.next();
    const fhir = dto.format === 'fhir';
    const stamp = new Date().toISOString();
    res.status(200).type(fhir ? 'application/fhir+json' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="disclosures-${stamp.slice(0, 10)}.${fhir ? 'fhir.json' : 'jsonl'}"`);
    const bundle = fhirBundleParts(stamp);
    let count = 0;
    const write = async (records: AuditRecord[]) => {
      for (const r of records) {
        const chunk = fhir
          ? `${count > 0 ? bundle.separator : ''}${JSON.stringify(fhirBundleEntry(toAuditEvent(r, this.audit.agencyName)))}`
          : `${JSON.stringify({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, recordedAt: r.recordedAt, disclosure: r.disclosure })}\n`;
        count += 1;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
    };
    try {
      if (fhir) res.write(bundle.head);
      if (!first.done) await write(first.value);
      for await (const page of pages) await write(page);
      if (fhir) res.write(bundle.tail);
      res.end();
    } catch (error) {
      // Headers are gone: cutting the connection is the only honest signal of an incomplete export.
      res.destroy(error as Error);
    }
  }

  @Get('subjects/:subjectId/access-report')
  @ApiOperation({ summary: 'Everything disclosed about one person within your scope, by recipient, in plain words (GDPR art. 15(1)(c))' })
  @ApiProduces('application/json', 'text/plain')
  @ApiOkResponse({ description: 'Postponed entries are left out unless include=postponed (officer view)' })
  async accessReport(
    @CurrentCaller() caller: Caller, @Param('subjectId', ParseUUIDPipe) subjectId: string, @Query() dto: AccessReportQueryDto,
    @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.audit.accessReport(caller, subjectId, dto.include === 'postponed');
    const text = dto.format === 'text' || (dto.format === undefined && /^text\/plain\b/i.test(accept ?? ''));
    if (!text) return report;
    res.type('text/plain; charset=utf-8');
    return renderAccessReportText(report);
  }
}
