import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DisclosureLog } from '@samhandling/audit';
import type { Purpose } from '@samhandling/domain';
import { AgencyDirectory } from '@samhandling/config';
import { initialSubjectPolicyState, LegalBasisCatalog, POLICY_STATE, type SubjectPolicyState } from '@samhandling/policy';
import type { CustomState, PersonOverview, ProjectionSet } from '@samhandling/projections';
import { PROJECTIONS } from '../../platform/store/projections.token';
import { Disclosing } from '../disclose-items';
import { explainBasis, pullPolicy, recordDisclosure, refuse, uniqueBases, type PullContext } from '../pull-decision';
import type { Caller } from '../../platform/auth/token-verifier';
import { CustomProjections } from './custom-projections';

export interface CustomReadRequest {
  caller: Caller;
  subjectId: string;
  projection: string;
  purpose: Purpose;
  justification?: string;
  requestId?: string;
}

/**
 * A read of a custom projection. Its state may mix what several agencies recorded, and no one can
 * tell which part came from which record, so it is all or nothing: every record folded into it
 * needs a basis for the caller (its own records always have one), or the read is refused — and
 * the refusal recorded, as for the built-ins. A permitted read records one disclosure citing the
 * other agencies' records by event id.
 */
@Injectable()
export class CustomReadService {
  constructor(
    @Inject(PROJECTIONS) private readonly runtime: ProjectionSet,
    private readonly customs: CustomProjections,
    private readonly catalog: LegalBasisCatalog,
    private readonly disclosures: DisclosureLog,
    private readonly directory: AgencyDirectory,
  ) {}

  has(projection: string): boolean {
    return this.customs.get(projection) !== undefined;
  }

  get names(): string[] {
    return this.customs.names;
  }

  async read(request: CustomReadRequest) {
    const custom = this.customs.get(request.projection)!;
    // To the log's head: the policy's lane, the registrations it checks, and the custom projection
    // (no other read model: a built-in rebuilding does not hold a custom read back).
    await Promise.all([this.runtime.catchUp([POLICY_STATE, 'person-overview']), this.customs.catchUp()]);
    const customs = this.customs.runtime;
    const { subjectId } = request;
    const registered = await this.runtime.get<PersonOverview>('person-overview', subjectId);
    if (!registered?.identity) throw new NotFoundException({ error: 'SUBJECT.NOT_FOUND', message: `Subject ${subjectId} is not registered` });
    const folded = (await customs.get<CustomState>(custom.definition.name, subjectId)) ?? custom.projection.init(subjectId);
    const policyState = (await this.runtime.get<SubjectPolicyState>(POLICY_STATE, subjectId)) ?? initialSubjectPolicyState(subjectId);
    const read: PullContext = {
      ...request, requestId: request.requestId ?? randomUUID(), at: new Date().toISOString(),
      logPosition: customs.checkpoint(custom.definition.name),
    };
    const d = new Disclosing(pullPolicy(this.catalog, this.directory, read, policyState));
    const records = folded.records.map(({ eventId, position: _, ...record }) =>
      d.full(`records/${eventId}`, { ...record, subjectId }, { eventId, ownerAgency: record.ownerAgency, categories: record.categories }));
    if (d.denials.length > 0) await refuse(this.disclosures, read, d, ' (every record it folds needs a basis)');
    const eventIds = folded.records.filter((r) => r.ownerAgency !== request.caller.agency.id).map((r) => r.eventId);
    await recordDisclosure(this.disclosures, this.catalog, read, d.disclosed, eventIds);
    return {
      subjectId, projection: request.projection, purpose: request.purpose, decidedAt: read.at, logPosition: read.logPosition,
      bases: uniqueBases(d.disclosed.flatMap((i) => i.bases)).map((b) => explainBasis(this.catalog, b)),
      records,
      data: folded.state,
    };
  }
}
