import { ForbiddenException } from '@nestjs/common';
import type { DataCategory, Purpose } from '@samhandling/domain';
import { disclosureId, type Disclosure, type DisclosureLog } from '@samhandling/audit';
import type { AgencyDirectory } from '@samhandling/config';
import { AgencyPolicy, basisKey, type Basis, type LegalBasisCatalog, type SubjectPolicyState } from '@samhandling/policy';
import type { Caller } from '../platform/auth/token-verifier';
import { describe, strongestDenial, type Disclosing, type DisclosedItem } from './disclose-items';

/** What a pull read is asked and decided at: the same for built-in and custom projections. */
export interface PullContext {
  caller: Caller;
  subjectId: string;
  projection: string;
  purpose: Purpose;
  justification?: string;
  /** The client's X-Request-Id, or a fresh one: a retried read records one disclosure, not two. */
  requestId: string;
  at: string;
  logPosition: number;
}

/** The caller's ability for this person, purpose and moment: a pull read is the recipient's initiative. */
export function pullPolicy(catalog: LegalBasisCatalog, directory: AgencyDirectory, read: PullContext, state: SubjectPolicyState): AgencyPolicy {
  return AgencyPolicy.build(catalog, {
    requester: read.caller.agency, state, purpose: read.purpose, at: read.at, initiative: 'recipient',
    justification: read.justification, agencies: directory.all(),
  });
}

function recordBase(read: PullContext) {
  return {
    id: disclosureId('pull', read.caller.agency.id, read.requestId),
    occurredAt: read.at, subjectId: read.subjectId, recipient: { agency: read.caller.agency.id, actor: read.caller.actor },
    projection: read.projection, purpose: read.purpose, channel: 'http' as const, logPosition: read.logPosition,
    ...(read.justification ? { justification: read.justification } : {}),
  };
}

/** Records the refusal (what was withheld, and the most telling reason) and answers 403 POLICY.DENIED. */
export async function refuse(log: DisclosureLog, read: PullContext, d: Disclosing, why = ''): Promise<never> {
  const denial = strongestDenial(d.denials);
  await log.record([{ ...recordBase(read), kind: 'denial', disclosers: [], fields: [], categories: [...d.withheldCategories], bases: [], denial }]);
  throw new ForbiddenException({ error: 'POLICY.DENIED', message: `No basis to disclose ${read.projection} for purpose ${read.purpose}${why}: ${denial}`, reason: denial });
}

/**
 * Records what was returned of other agencies' records, before the answer leaves (the caller's own
 * need no record); break-glass when a basis is one a privacy officer reviews. `eventIds`: the
 * events behind them, where the read cites events (custom projections).
 */
export async function recordDisclosure(log: DisclosureLog, catalog: LegalBasisCatalog, read: PullContext, disclosed: readonly DisclosedItem[], eventIds?: string[]): Promise<void> {
  const others = disclosed.filter((item) => item.record.ownerAgency !== read.caller.agency.id);
  if (others.length === 0) return;
  const bases = uniqueBases(others.flatMap((i) => i.bases));
  const breakGlass = bases.some((b) => b.kind === 'legal' && catalog.cited(b.entryId, b.version)?.reviewRequired);
  const disclosure: Disclosure = {
    ...recordBase(read),
    kind: breakGlass ? 'break_glass' : 'pull',
    disclosers: [...new Set(others.map((i) => i.record.ownerAgency))].sort(),
    fields: others.map((i) => i.path),
    ...(eventIds ? { eventIds } : {}),
    categories: [...new Set(others.flatMap((i) => i.categories))].sort() as DataCategory[],
    bases,
  };
  await log.record([disclosure]);
}

/** A basis as an answer cites it: its short id, its terms, and the law and title of its catalog entry. */
export function explainBasis(catalog: LegalBasisCatalog, basis: Basis) {
  const entry = basis.kind === 'legal' || basis.kind === 'consent' ? catalog.cited(basis.entryId, basis.version) : undefined;
  return { id: describe(basis), ...basis, ...(entry ? { law: entry.law, title: entry.title } : {}) };
}

export const uniqueBases = (bases: Basis[]): Basis[] => [...new Map(bases.map((b) => [basisKey(b), b])).values()];
