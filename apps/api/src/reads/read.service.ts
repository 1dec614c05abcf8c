import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataCategory, Purpose } from '@samhandling/domain';
import { disclosureId, DisclosureLog, type Disclosure } from '@samhandling/audit';
import { AgencyPolicy, initialSubjectPolicyState, LegalBasisCatalog, type Basis, type SubjectPolicyState } from '@samhandling/policy';
import type { BoardReferral, ConsentRegistry, ContactHistory, PersonOverview, ProjectionRuntime, ReferralBoard } from '@samhandling/projections';
import type { Caller } from '../platform/auth/token-verifier';
import { AgencyDirectory } from '@samhandling/config';
import type { ReadableProjection } from './api-projections';
import { Disclosing, describe } from './disclose-items';
import { explainBasis, pullPolicy, recordDisclosure, refuse, uniqueBases, type PullContext } from './pull-decision';
import { PROJECTIONS } from './reads.providers';
import { consentRegistryView, contactHistoryView, coordinationView, personOverviewView } from './views';

export interface ReadRequest {
  caller: Caller;
  subjectId: string;
  projection: ReadableProjection;
  purpose: Purpose;
  justification?: string;
  /** Client's X-Request-Id: a retried read records one disclosure, not two. */
  requestId?: string;
}

/**
 * A pull read: catch up, decide per item with the policy at this point of the log, record the
 * disclosure (or the refusal) — and only then answer.
 */
@Injectable()
export class ReadService {
  constructor(
    @Inject(PROJECTIONS) private readonly runtime: ProjectionRuntime,
    private readonly catalog: LegalBasisCatalog,
    private readonly disclosures: DisclosureLog,
    private readonly directory: AgencyDirectory,
  ) {}

  async read(request: ReadRequest) {
    await this.runtime.catchUp();
    const { subjectId } = request;
    const registered = await this.runtime.get<PersonOverview>('person-overview', subjectId);
    // The coordinator's overview is composed from the person overview and the contact history.
    const state = request.projection === 'coordination'
      ? { overview: registered, history: (await this.runtime.get<ContactHistory>('contact-history', subjectId)) ?? emptyState('contact-history', subjectId) }
      : await this.runtime.get<unknown>(request.projection, subjectId);
    if (!registered?.identity) throw new NotFoundException({ error: 'SUBJECT.NOT_FOUND', message: `Subject ${subjectId} is not registered` });
    const policyState = (await this.runtime.get<SubjectPolicyState>('policy-state', subjectId)) ?? initialSubjectPolicyState(subjectId);
    const read: PullContext = {
      ...request, requestId: request.requestId ?? randomUUID(), at: new Date().toISOString(),
      // The point of the log this read was decided at: every projection has caught up to it.
      logPosition: this.runtime.checkpoint(request.projection === 'coordination' ? 'person-overview' : request.projection),
    };
    const d = new Disclosing(pullPolicy(this.catalog, this.directory, read, policyState));
    const data = this.view(request.projection, state ?? emptyState(request.projection, subjectId), d, read.at);
    if (d.disclosed.length === 0) await refuse(this.disclosures, read, d);
    await recordDisclosure(this.disclosures, this.catalog, read, d.disclosed);
    return {
      subjectId, projection: request.projection, purpose: request.purpose, decidedAt: read.at, logPosition: read.logPosition,
      bases: uniqueBases(d.disclosed.flatMap((i) => i.bases)).map((b) => explainBasis(this.catalog, b)),
      data,
    };
  }

  /**
   * The decision API: what the calling agency may see of a record of `categories` held by
   * `owner`, and on which bases — without reading or disclosing any record.
   */
  async explainDecision(caller: Caller, subjectId: string, purpose: Purpose, owner: string, categories: DataCategory[], justification?: string) {
    await this.runtime.catchUp();
    const policyState = (await this.runtime.get<SubjectPolicyState>('policy-state', subjectId)) ?? initialSubjectPolicyState(subjectId);
    const at = new Date().toISOString();
    const policy = AgencyPolicy.build(this.catalog, {
      requester: caller.agency, state: policyState, purpose, at, initiative: 'recipient', justification, agencies: this.directory.all(),
    });
    const decision = policy.decide({ kind: 'contact', subjectId, ownerAgency: owner, categories });
    return { subjectId, requester: caller.agency.id, owner, purpose, decidedAt: at, logPosition: this.runtime.checkpoint('policy-state'), ...decision, bases: decision.bases.map((b) => explainBasis(this.catalog, b)) };
  }

  /**
   * The calling agency's referral board. Outgoing referrals are its own; incoming ones were
   * disclosed to it by their sender on the basis recorded on each referral, and reading them
   * is recorded per person.
   */
  async referralBoard(caller: Caller, requestId: string = randomUUID()) {
    await this.runtime.catchUp();
    const board = (await this.runtime.get<ReferralBoard>('referral-board', caller.agency.id)) ?? { agency: caller.agency.id, incoming: [], outgoing: [] };
    const at = new Date().toISOString();
    const logPosition = this.runtime.checkpoint('referral-board');
    const basisOf = (r: BoardReferral): Basis => ({ kind: 'referral', referralId: r.referralId, referralBasis: r.basis });
    const bySubject = new Map<string, BoardReferral[]>();
    for (const r of board.incoming) bySubject.set(r.subjectId, [...(bySubject.get(r.subjectId) ?? []), r]);
    await this.disclosures.record([...bySubject].map(([subjectId, referrals]): Disclosure => ({
      id: disclosureId('board', caller.agency.id, requestId, subjectId), kind: 'pull', occurredAt: at, subjectId,
      disclosers: [...new Set(referrals.map((r) => r.from))].sort(), recipient: { agency: caller.agency.id, actor: caller.actor },
      projection: 'referral-board', fields: referrals.map((r) => `incoming/${r.referralId}`),
      categories: [...new Set(referrals.flatMap((r) => ['referral', ...r.categories]))].sort() as DataCategory[],
      purpose: 'follow_up', bases: referrals.map(basisOf), channel: 'http', logPosition,
    })));
    // Overdue first: those who refer must see that nobody has answered yet.
    const overdue = (r: BoardReferral) => (r.status === 'sent' && Date.parse(r.acknowledgeBy) < Date.parse(at)) || (['sent', 'acknowledged'].includes(r.status) && Date.parse(r.answerBy) < Date.parse(at));
    const order = (xs: BoardReferral[]) => xs.map((r) => ({ ...r, overdue: overdue(r) })).sort((a, b) => Number(b.overdue) - Number(a.overdue) || Date.parse(a.answerBy) - Date.parse(b.answerBy));
    return {
      agency: caller.agency.id, decidedAt: at, logPosition,
      incoming: order(board.incoming).map((r) => ({ ...r, bases: [describe(basisOf(r))] })),
      outgoing: order(board.outgoing).map((r) => ({ ...r, bases: ['own-record'] })),
    };
  }

  private view(projection: ReadableProjection, state: unknown, d: Disclosing, at: string) {
    switch (projection) {
      case 'person-overview': return personOverviewView(state as PersonOverview, d, at);
      case 'contact-history': return contactHistoryView(state as ContactHistory, d);
      case 'consent-registry': return consentRegistryView(state as ConsentRegistry, d, at);
      case 'coordination': {
        const { overview, history } = state as { overview: PersonOverview; history: ContactHistory };
        return coordinationView(overview, history, d, at);
      }
    }
  }
}

function emptyState(projection: ReadableProjection, subjectId: string): unknown {
  switch (projection) {
    case 'contact-history': return { subjectId, contacts: [] };
    case 'consent-registry': return { subjectId, consents: [] };
    case 'coordination': return { overview: emptyState('person-overview', subjectId), history: emptyState('contact-history', subjectId) };
    case 'person-overview': return { subjectId, household: [], involvedAgencies: [], latestContactPerAgency: {}, openReferrals: [], consentSummary: [] };
  }
}
