import type { DataCategory } from '@samhandling/domain';
import { DISCLOSURE_KINDS, type DisclosureKind } from './disclosure';

/**
 * Whose disclosures an officer may see: those where the recipient or any discloser is one of
 * these agencies. Required on every query, so no code path can forget it; applied in SQL, so a
 * page never holds fewer rows than it could because of filtering afterwards.
 */
export interface AuditScope {
  agencies: readonly string[];
}

export interface DisclosureFilter {
  subjectId?: string;
  recipient?: string;
  discloser?: string;
  /** Catalog entry (`paa-13b-1-7`, `legal:paa-13b-1-7@2026-01`), `consent:<id>` or `referral:<id>`. */
  basis?: string;
  category?: DataCategory;
  kinds?: readonly DisclosureKind[];
  /** occurredAt ≥ from (inclusive). */
  from?: string;
  /** occurredAt < to (exclusive), so consecutive periods never count a record twice. */
  to?: string;
  /** Break-glass review state. */
  review?: 'pending' | 'reviewed';
}

export interface PageRequest {
  /** Only records after this chain position (the previous page's nextCursor). */
  after?: number;
  limit: number;
}

/**
 * JSON documents any of which the record must contain (`@>`) to match a basis filter. A bare
 * entry id also matches referrals sent on that entry: the referral carried the legal basis.
 */
export function basisPatterns(basis: string): object[] {
  const prefixed = /^(consent|referral):(.+)$/.exec(basis);
  if (prefixed?.[1] === 'consent') return [{ bases: [{ kind: 'consent', consentId: prefixed[2] }] }];
  if (prefixed?.[1] === 'referral') return [{ bases: [{ kind: 'referral', referralId: prefixed[2] }] }];
  const [entryId, version] = basis.replace(/^legal:/, '').split('@', 2);
  if (version) return [{ bases: [{ entryId, version }] }];
  const viaReferral = entryId === 'consent' ? { kind: 'consent' } : { kind: 'legal', entryId };
  return [{ bases: [{ entryId }] }, { bases: [{ referralBasis: viaReferral }] }];
}

/**
 * The scope as SQL over a disclosure `d`, with the scope's agencies as a JSON array in $1: the
 * record's recipient or one of its disclosers is one of them. Every officer's query uses this one.
 */
export const IN_SCOPE = `(d.recipient IN (SELECT jsonb_array_elements_text($1::jsonb)) OR d.record -> 'disclosers' ?| ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`;

/** One SELECT over the chain with each record's review and latest notice postponement. */
export function disclosureQuerySql(schema: string, scope: AuditScope, filter: DisclosureFilter, page: PageRequest): { text: string; params: unknown[] } {
  const params: unknown[] = [JSON.stringify(scope.agencies), page.after ?? 0];
  const where = [IN_SCOPE, `d.seq > $2`];
  const param = (value: unknown) => `$${params.push(value)}`;
  const contains = (doc: object) => `d.record @> ${param(JSON.stringify(doc))}::jsonb`;
  if (filter.subjectId !== undefined) where.push(`d.subject_id = ${param(filter.subjectId)}`);
  if (filter.recipient !== undefined) where.push(`d.recipient = ${param(filter.recipient)}`);
  if (filter.discloser !== undefined) where.push(`d.record -> 'disclosers' ? ${param(filter.discloser)}`);
  if (filter.basis !== undefined) where.push(`(${basisPatterns(filter.basis).map(contains).join(' OR ')})`);
  if (filter.category !== undefined) where.push(contains({ categories: [filter.category] }));
  // Kinds are a closed set, inlined as literals so the planner can use the partial break-glass index.
  if (filter.kinds !== undefined) where.push(`d.record ->> 'kind' IN (${kindLiterals(filter.kinds)})`);
  if (filter.from !== undefined) where.push(`d.occurred_at >= ${param(filter.from)}::timestamptz`);
  if (filter.to !== undefined) where.push(`d.occurred_at < ${param(filter.to)}::timestamptz`);
  if (filter.review === 'pending') where.push(`r.disclosure_id IS NULL`);
  if (filter.review === 'reviewed') where.push(`r.disclosure_id IS NOT NULL`);
  // One row more than asked tells whether there is a next page without a second query.
  const limit = param(page.limit + 1);
  return {
    text: `SELECT d.seq, encode(d.prev_hash, 'hex') AS prev_hash, encode(d.hash, 'hex') AS hash, d.recorded_at,
                  d.id, d.subject_id, d.recipient, d.occurred_at, d.record,
                  r.decision, r.comment, r.reviewer_agency, r.reviewer_actor, r.reviewed_at,
                  p.reason AS postponement_reason, p.visible_from, p.postponed_by_agency, p.postponed_by_actor, p.recorded_at AS postponed_at
             FROM ${schema}.disclosures d
             LEFT JOIN ${schema}.disclosure_reviews r ON r.disclosure_id = d.id
             LEFT JOIN LATERAL (SELECT * FROM ${schema}.notice_postponements n WHERE n.disclosure_id = d.id ORDER BY n.id DESC LIMIT 1) p ON true
            WHERE ${where.join('\n              AND ')}
            ORDER BY d.seq LIMIT ${limit}`,
    params,
  };
}

function kindLiterals(kinds: readonly DisclosureKind[]): string {
  if (kinds.length === 0 || kinds.some((k) => !DISCLOSURE_KINDS.includes(k))) throw new Error(`Unknown disclosure kinds ${JSON.stringify(kinds)}`);
  return kinds.map((k) => `'${k}'`).join(', ');
}
