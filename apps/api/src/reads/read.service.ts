import { Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataCategory, Purpose } from '@samhandling/domain';
import { disclosureId, DisclosureLog, type Disclosure } from '@samhandling/audit';
import { AgencyPolicy, initialSubjectPolicyState, LegalBasisCatalog, type Basis, type SubjectPolicyState } from '@samhandling/policy';
import { BOARD_SIDES, REFERRAL_BOARD, ReferralBoardQueries, type BoardCursor, type BoardReferral, type BoardSide, type ConsentRegistry, type ContactHistory, type Freshness, type PersonOverview, type ProjectionSet } from '@samhandling/projections';
import type { Caller } from '../platform/auth/token-verifier';
import { AgencyDirectory } from '@samhandling/config';
import { POLICY_STATE, type ReadableProjection } from './api-projections';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { Disclosing, describe } from './disclose-items';
import { explainBasis, pullPolicy, recordDisclosure, refuse, uniqueBases, type PullContext } from './pull-decision';
import { encodeBoardCursor } from './board-cursor';
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

/** Which page of the board: a side (or both), how many per side, and where the previous page ended. */
export interface BoardPageRequest {
  side?: BoardSide;
  limit: number;
  after?: BoardCursor;
}

/**
 * A pull read: catch up, decide per item with the policy at this point of the log, record the
 * disclosure (or the refusal) — and only then answer.
 */
@Injectable()
export class ReadService {
  constructor(
    @Inject(PROJECTIONS) private readonly runtime: ProjectionSet,
    private readonly catalog: LegalBasisCatalog,
    private readonly disclosures: DisclosureLog,
    private readonly directory: AgencyDirectory,
    private readonly board: ReferralBoardQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Waits for the read models a read shows, up to READ_WAIT_MS: past it the read answers with
   * what is there, saying how stale it is, rather than hang while a projection rebuilds. The
   * policy's own state is never stale: it folds in a lane of its own, and a decision waits for it
   * (up to POLICY_WAIT_MS, then 503), so a consent withdrawn a moment ago is never relied on.
   */
  private async settle(projections: readonly string[], policy: boolean): Promise<Freshness> {
    // One read of the head for both waits: a read must see what was appended before it.
    const head = await this.runtime.head();
    if (policy) {
      const facts = await this.runtime.freshness([POLICY_STATE], this.config.reads.policyWaitMs, head);
      if (facts.stale) {
        throw new ServiceUnavailableException({
          error: 'READ.POLICY_CATCHING_UP', retryAfter: 5,
          message: `The policy's state is ${facts.lag} event(s) behind the log, and no read is decided on stale policy facts; retry in 5 seconds`,
        });
      }
    }
    return projections.length === 0 ? { position: this.runtime.checkpoint(POLICY_STATE), lag: 0, stale: false } : this.runtime.freshness(projections, this.config.reads.waitMs, head);
  }

  async read(request: ReadRequest) {
    const { subjectId } = request;
    const shown = request.projection === 'coordination' ? ['person-overview', 'contact-history'] : [request.projection, 'person-overview'];
    let freshness = await this.settle(shown, true);
    let registered = await this.runtime.get<PersonOverview>('person-overview', subjectId);
    // A person registered a moment ago is not "not found": a stale read waits for the log to say so.
    if (freshness.stale && !registered?.identity) {
      await this.runtime.catchUp(shown);
      freshness = { position: Math.min(...shown.map((p) => this.runtime.checkpoint(p))), lag: 0, stale: false };
      registered = await this.runtime.get<PersonOverview>('person-overview', subjectId);
    }
    // The coordinator's overview is composed from the person overview and the contact history.
    const state = request.projection === 'coordination'
      ? { overview: registered, history: (await this.runtime.get<ContactHistory>('contact-history', subjectId)) ?? emptyState('contact-history', subjectId) }
      : await this.runtime.get<unknown>(request.projection, subjectId);
    if (!registered?.identity) throw new NotFoundException({ error: 'SUBJECT.NOT_FOUND', message: `Subject ${subjectId} is not registered` });
    const policyState = (await this.runtime.get<SubjectPolicyState>('policy-state', subjectId)) ?? initialSubjectPolicyState(subjectId);
    const read: PullContext = {
      ...request, requestId: request.requestId ?? randomUUID(), at: new Date().toISOString(),
      // The point of the log the records shown were folded up to (the policy's state is at it or later).
      logPosition: freshness.position,
    };
    const d = new Disclosing(pullPolicy(this.catalog, this.directory, read, policyState));
    const data = this.view(request.projection, state ?? emptyState(request.projection, subjectId), d, read.at);
    if (d.disclosed.length === 0) await refuse(this.disclosures, read, d);
    await recordDisclosure(this.disclosures, this.catalog, read, d.disclosed);
    return {
      subjectId, projection: request.projection, purpose: request.purpose, decidedAt: read.at, logPosition: read.logPosition,
      stale: freshness.stale, lag: freshness.lag,
      bases: uniqueBases(d.disclosed.flatMap((i) => i.bases)).map((b) => explainBasis(this.catalog, b)),
      data,
    };
  }

  /**
   * The decision API: what the calling agency may see of a record of `categories` held by
   * `owner`, and on which bases — without reading or disclosing any record.
   */
  async explainDecision(caller: Caller, subjectId: string, purpose: Purpose, owner: string, categories: DataCategory[], justification?: string) {
    await this.settle([], true);
    const policyState = (await this.runtime.get<SubjectPolicyState>('policy-state', subjectId)) ?? initialSubjectPolicyState(subjectId);
    const at = new Date().toISOString();
    const policy = AgencyPolicy.build(this.catalog, {
      requester: caller.agency, state: policyState, purpose, at, initiative: 'recipient', justification, agencies: this.directory.all(),
    });
    const decision = policy.decide({ kind: 'contact', subjectId, ownerAgency: owner, categories });
    return { subjectId, requester: caller.agency.id, owner, purpose, decidedAt: at, logPosition: this.runtime.checkpoint(POLICY_STATE), ...decision, bases: decision.bases.map((b) => explainBasis(this.catalog, b)) };
  }

  /**
   * One page of the calling agency's referral board per side asked for, overdue first. Outgoing
   * referrals are its own; incoming ones were disclosed to it by their sender on the basis recorded
   * on each referral, and reading a page is recorded per person on it.
   */
  async referralBoard(caller: Caller, page: BoardPageRequest, requestId: string = randomUUID()) {
    const freshness = await this.settle([REFERRAL_BOARD], false);
    const agency = caller.agency.id;
    const at = page.after?.at ?? new Date().toISOString();
    const logPosition = freshness.position;
    const sides = page.after ? [page.after.side] : page.side ? [page.side] : BOARD_SIDES;
    const pages = new Map(await Promise.all(sides.map(async (side) => [side, await this.board.page(agency, side, at, page.limit, page.after)] as const)));
    const basisOf = (r: BoardReferral): Basis => ({ kind: 'referral', referralId: r.referralId, referralBasis: r.basis });
    const incoming = pages.get('incoming')?.referrals ?? [];
    const bySubject = new Map<string, BoardReferral[]>();
    for (const r of incoming) bySubject.set(r.subjectId, [...(bySubject.get(r.subjectId) ?? []), r]);
    // The page is part of the id: a retried page records once, another page of the same walk records its own.
    const pageId = `${page.after ? encodeBoardCursor(page.after) : `first:${sides.join('+')}`}:${page.limit}`;
    await this.disclosures.record([...bySubject].map(([subjectId, referrals]): Disclosure => ({
      id: disclosureId('board', agency, requestId, pageId, subjectId), kind: 'pull', occurredAt: new Date().toISOString(), subjectId,
      disclosers: [...new Set(referrals.map((r) => r.from))].sort(), recipient: { agency, actor: caller.actor },
      projection: REFERRAL_BOARD, fields: referrals.map((r) => `incoming/${r.referralId}`),
      categories: [...new Set(referrals.flatMap((r) => ['referral', ...r.categories]))].sort() as DataCategory[],
      purpose: 'follow_up', bases: referrals.map(basisOf), channel: 'http', logPosition,
    })));
    const next: Partial<Record<BoardSide, string>> = {};
    for (const [side, { next: cursor }] of pages) if (cursor) next[side] = encodeBoardCursor(cursor);
    return {
      agency, decidedAt: at, logPosition, stale: freshness.stale, lag: freshness.lag,
      ...(pages.has('incoming') ? { incoming: incoming.map((r) => ({ ...r, bases: [describe(basisOf(r))] })) } : {}),
      ...(pages.has('outgoing') ? { outgoing: pages.get('outgoing')!.referrals.map((r) => ({ ...r, bases: ['own-record'] })) } : {}),
      next,
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
