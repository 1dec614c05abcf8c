import type { SqlExecutor } from '@samhandling/event-store';
import type { ChainVerification } from './disclosure-log';
import { IN_SCOPE, type AuditScope } from './disclosure-query';

/**
 * A chain verification as an officer may see it. The walk always covers the whole chain (one
 * altered record anywhere breaks every link after it), but the figures are the officer's own:
 * how many records in their scope, and the position and hash of the latest — never the
 * installation's count or last hash, which would tell them about other municipalities' activity.
 */
export type ScopedChainVerification =
  | { ok: true; chain: 'valid'; records: number; lastSeq: number | null; lastHash: string | null }
  | {
    ok: false; chain: 'broken'; problem: Extract<ChainVerification, { ok: false }>['problem'];
    /** Records in scope; `verified` of them lie before the break and are proven. */
    records: number; verified: number;
    /** Chain position of the first record in scope at or after the break (null: none of theirs is affected). */
    firstUnproven: number | null;
  };

export async function scopedVerification(q: SqlExecutor, schema: string, scope: AuditScope, chain: ChainVerification): Promise<ScopedChainVerification> {
  // Positions 1..provenThrough verified; seq is dense, so on success that is the record count walked.
  const provenThrough = chain.ok ? chain.records : chain.brokenAt - 1;
  const [row] = scope.agencies.length === 0 ? [] : await q.query<FiguresRow>(
    `SELECT count(*) AS records, count(*) FILTER (WHERE d.seq <= $2) AS verified,
            max(d.seq) FILTER (WHERE d.seq <= $2) AS last_seq, min(d.seq) FILTER (WHERE d.seq > $2) AS first_unproven,
            (SELECT encode(l.hash, 'hex') FROM ${schema}.disclosures l WHERE l.seq = max(d.seq) FILTER (WHERE d.seq <= $2)) AS last_hash
       FROM ${schema}.disclosures d WHERE ${IN_SCOPE}`,
    [JSON.stringify(scope.agencies), provenThrough],
  );
  const verified = Number(row?.verified ?? 0);
  if (chain.ok) {
    // Records appended after the walk are left for the next check rather than counted unproven.
    return { ok: true, chain: 'valid', records: verified, lastSeq: nullableNumber(row?.last_seq), lastHash: row?.last_hash ?? null };
  }
  return { ok: false, chain: 'broken', problem: chain.problem, records: Number(row?.records ?? 0), verified, firstUnproven: nullableNumber(row?.first_unproven) };
}

interface FiguresRow {
  records: string | number;
  verified: string | number;
  last_seq: string | number | null;
  first_unproven: string | number | null;
  last_hash: string | null;
}

const nullableNumber = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
