import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { AuditTrail, buildAccessReport, DisclosureLog, type AccessReport, type AuditPage, type AuditRecord, type DisclosureFilter, type ScopedChainVerification } from '@samhandling/audit';
import { LegalBasisCatalog } from '@samhandling/policy';
import type { ConsentRegistry, PersonOverview, ProjectionSet } from '@samhandling/projections';
import { PROJECTIONS } from '../reads/reads.providers';
import type { Caller } from '../platform/auth/token-verifier';
import { AgencyDirectory } from '@samhandling/config';
import type { BreakGlassQueueDto, DisclosureFiltersDto, DisclosureQueryDto, PostponementDto, ReviewDto } from './audit.dto';
import { officerScope } from './officer-scope';

const DEFAULT_LIMIT = 100;

/** The privacy officer's use cases; every one starts from the caller's scope. */
@Injectable()
export class AuditService {
  constructor(
    private readonly trail: AuditTrail,
    private readonly log: DisclosureLog,
    private readonly catalog: LegalBasisCatalog,
    private readonly directory: AgencyDirectory,
    @Inject(PROJECTIONS) private readonly projections: ProjectionSet,
  ) {}

  query(caller: Caller, dto: DisclosureQueryDto): Promise<AuditPage> {
    const scope = officerScope(caller, this.directory);
    return this.trail.search(scope, this.filter(dto), { after: dto.after, limit: dto.limit ?? DEFAULT_LIMIT });
  }

  breakGlassQueue(caller: Caller, dto: BreakGlassQueueDto): Promise<AuditPage> {
    const scope = officerScope(caller, this.directory);
    return this.trail.search(scope, { kinds: ['break_glass'], review: dto.status ?? 'pending' }, { after: dto.after, limit: dto.limit ?? DEFAULT_LIMIT });
  }

  review(caller: Caller, disclosureId: string, dto: ReviewDto): Promise<AuditRecord> {
    const scope = officerScope(caller, this.directory);
    return this.trail.review(scope, disclosureId, {
      decision: dto.decision, ...(dto.comment !== undefined ? { comment: dto.comment.trim() } : {}),
      reviewer: { agency: caller.agency.id, actor: caller.actor }, reviewedAt: new Date().toISOString(),
    });
  }

  postpone(caller: Caller, disclosureId: string, dto: PostponementDto): Promise<AuditRecord> {
    const scope = officerScope(caller, this.directory);
    return this.trail.postpone(scope, disclosureId, {
      reason: dto.reason.trim(), visibleFrom: new Date(dto.visibleFrom).toISOString(),
      postponedBy: { agency: caller.agency.id, actor: caller.actor }, recordedAt: new Date().toISOString(),
    });
  }

  /**
   * Walks the whole chain, whoever's records: integrity is a property of the log, not of a scope.
   * The answer gives the officer's own figures only (see ScopedChainVerification).
   */
  async verify(caller: Caller): Promise<ScopedChainVerification> {
    const scope = officerScope(caller, this.directory);
    return this.trail.verification(scope, await this.log.verify());
  }

  /** Checks scope and filters before the caller starts writing a response, then pages through. */
  exportPages(caller: Caller, dto: DisclosureFiltersDto): AsyncGenerator<AuditRecord[]> {
    const scope = officerScope(caller, this.directory);
    return this.trail.all(scope, this.filter(dto), dto.after ?? 0);
  }

  async accessReport(caller: Caller, subjectId: string, includePostponed: boolean): Promise<AccessReport> {
    const scope = officerScope(caller, this.directory);
    const records: AuditRecord[] = [];
    for await (const page of this.trail.all(scope, { subjectId, kinds: ['pull', 'push', 'break_glass'] })) records.push(...page);
    await this.projections.catchUp(['person-overview', 'consent-registry']);
    const designated = (await this.projections.get<PersonOverview>('person-overview', subjectId))?.coordinator;
    const coordinator = designated && { agency: designated.agency, since: designated.designatedAt, ...(designated.caseworker ? { caseworker: designated.caseworker } : {}) };
    const consents = (await this.projections.get<ConsentRegistry>('consent-registry', subjectId))?.consents ?? [];
    return buildAccessReport({
      subjectId, records, catalog: this.catalog, agencyName: this.agencyName, ...(coordinator ? { coordinator } : {}), consents,
      preparedBy: caller.agency.id, covers: scope.covers, now: new Date().toISOString(), includePostponed,
    });
  }

  readonly agencyName = (id: string): string => this.directory.get(id)?.name ?? id;

  private filter(dto: DisclosureFiltersDto): DisclosureFilter {
    for (const agency of [dto.recipient, dto.discloser]) {
      if (agency !== undefined && !this.directory.get(agency)) {
        throw new BadRequestException({ error: 'AUDIT.UNKNOWN_AGENCY', message: `No agency ${agency} in the directory` });
      }
    }
    if (dto.from !== undefined && dto.to !== undefined && !(Date.parse(dto.from) < Date.parse(dto.to))) {
      throw new BadRequestException({ error: 'AUDIT.INVALID_PERIOD', message: 'from must be before to (from is inclusive, to exclusive)' });
    }
    return {
      subjectId: dto.subjectId, recipient: dto.recipient, discloser: dto.discloser, basis: dto.basis, category: dto.category,
      kinds: dto.kind ? [dto.kind] : undefined, from: dto.from, to: dto.to,
    };
  }
}
