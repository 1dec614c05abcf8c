import { conflict, invalid, notFound } from '@samhandling/domain';
import { checkSchemaName, withDdlLock, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import { createAuditNotesSchema } from './audit-notes.schema';
import { disclosureFromRow, type DisclosureRow } from './disclosure-row';
import type { ChainedDisclosure, ChainVerification } from './disclosure-log';
import { scopedVerification, type ScopedChainVerification } from './scoped-verification';
import { disclosureQuerySql, type AuditScope, type DisclosureFilter, type PageRequest } from './disclosure-query';

export interface Officer {
  agency: string;
  actor: string;
}

export interface Review {
  decision: 'approved' | 'flagged';
  comment?: string;
  reviewer: Officer;
  reviewedAt: string;
}

export interface Postponement {
  reason: string;
  visibleFrom: string;
  postponedBy: Officer;
  recordedAt: string;
}

/** A chained disclosure as an officer sees it: with its review and the postponement in force. */
export interface AuditRecord extends ChainedDisclosure {
  review?: Review;
  postponement?: Postponement;
}

export interface AuditPage {
  items: AuditRecord[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: number | null;
}

/**
 * What privacy officers do with the disclosure log: search it within their scope, review
 * break-glass disclosures, and postpone the person's notice of a disclosure where the law allows.
 * Reviews and postponements go to append-only tables (audit-notes.schema.ts).
 */
export class AuditTrail {
  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  /** Needs the disclosure log's table (DisclosureLog.create) in the same schema. */
  static async create(sql: SqlClient, schema = 'samhandling'): Promise<AuditTrail> {
    const s = checkSchemaName(schema);
    await withDdlLock(sql, async (tx) => {
      await createAuditNotesSchema(tx, s);
    });
    return new AuditTrail(sql, s);
  }

  /** Over a schema the migrations made (the apps' start path): no DDL. */
  static attach(sql: SqlClient, schema = 'samhandling'): AuditTrail {
    return new AuditTrail(sql, checkSchemaName(schema));
  }

  async search(scope: AuditScope, filter: DisclosureFilter, page: PageRequest, q: SqlExecutor = this.sql): Promise<AuditPage> {
    if (scope.agencies.length === 0) return { items: [], nextCursor: null };
    const { text, params } = disclosureQuerySql(this.schema, scope, filter, page);
    const rows = (await q.query<Row>(text, params)).map(toRecord);
    const items = rows.slice(0, page.limit);
    return { items, nextCursor: rows.length > page.limit ? items[items.length - 1].seq : null };
  }

  /** Every matching record, a page at a time (exports, reports). */
  async *all(scope: AuditScope, filter: DisclosureFilter, after = 0, pageSize = 500): AsyncGenerator<AuditRecord[]> {
    let cursor: number | null = after;
    while (cursor !== null) {
      const page: AuditPage = await this.search(scope, filter, { after: cursor, limit: pageSize });
      if (page.items.length > 0) yield page.items;
      cursor = page.nextCursor;
    }
  }

  /** A whole-chain verification told in the scope's own figures. */
  verification(scope: AuditScope, chain: ChainVerification): Promise<ScopedChainVerification> {
    return scopedVerification(this.sql, this.schema, scope, chain);
  }

  /** Records a break-glass review; one per disclosure, so a decision cannot be quietly replaced. */
  async review(scope: AuditScope, disclosureId: string, review: Review): Promise<AuditRecord> {
    return this.sql.transaction(async (tx) => {
      const record = await this.inScope(tx, scope, disclosureId);
      if (record.disclosure.kind !== 'break_glass') {
        throw conflict('AUDIT.NOT_BREAK_GLASS', `Disclosure ${disclosureId} is a ${record.disclosure.kind}, not a break-glass disclosure; only those are reviewed`);
      }
      const inserted = await tx.query(
        `INSERT INTO ${this.schema}.disclosure_reviews (disclosure_id, disclosure_hash, decision, comment, reviewer_agency, reviewer_actor, reviewed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (disclosure_id) DO NOTHING RETURNING disclosure_id`,
        [disclosureId, record.hash, review.decision, review.comment ?? null, review.reviewer.agency, review.reviewer.actor, review.reviewedAt],
      );
      if (inserted.length === 0) {
        throw conflict('AUDIT.ALREADY_REVIEWED', `Disclosure ${disclosureId} was already reviewed (${record.review?.decision} by ${record.review?.reviewer.actor}); reviews are final`);
      }
      return { ...record, review };
    });
  }

  /** Postpones the person's notice of a disclosure until `visibleFrom` (a later one may extend it). */
  async postpone(scope: AuditScope, disclosureId: string, postponement: Postponement): Promise<AuditRecord> {
    if (!(Date.parse(postponement.visibleFrom) > Date.parse(postponement.recordedAt))) {
      throw invalid('AUDIT.VISIBLE_FROM_NOT_FUTURE', 'visibleFrom must be in the future: a postponement only delays notice');
    }
    return this.sql.transaction(async (tx) => {
      const record = await this.inScope(tx, scope, disclosureId);
      if (record.disclosure.kind === 'denial') {
        throw conflict('AUDIT.NOTHING_DISCLOSED', `Disclosure ${disclosureId} is a refusal: nothing was disclosed, so there is no notice to postpone`);
      }
      await tx.query(
        `INSERT INTO ${this.schema}.notice_postponements (disclosure_id, reason, visible_from, postponed_by_agency, postponed_by_actor, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [disclosureId, postponement.reason, postponement.visibleFrom, postponement.postponedBy.agency, postponement.postponedBy.actor, postponement.recordedAt],
      );
      return { ...record, postponement };
    });
  }

  /** Out of scope reads as absent: an officer learns nothing about other municipalities' records. */
  private async inScope(tx: SqlExecutor, scope: AuditScope, disclosureId: string): Promise<AuditRecord> {
    const [seq] = await tx.query<{ seq: string | number }>(`SELECT seq FROM ${this.schema}.disclosures WHERE id = $1`, [disclosureId]);
    const page = seq ? await this.search(scope, {}, { after: Number(seq.seq) - 1, limit: 1 }, tx) : undefined;
    const record = page?.items[0];
    if (!record || record.disclosure.id !== disclosureId) {
      throw notFound('AUDIT.DISCLOSURE_NOT_FOUND', `No disclosure ${disclosureId} in your scope`);
    }
    return record;
  }
}

interface Row extends DisclosureRow {
  seq: string | number;
  prev_hash: string;
  hash: string;
  recorded_at: Date | string;
  decision: 'approved' | 'flagged' | null;
  comment: string | null;
  reviewer_agency: string | null;
  reviewer_actor: string | null;
  reviewed_at: Date | string | null;
  postponement_reason: string | null;
  visible_from: Date | string | null;
  postponed_by_agency: string | null;
  postponed_by_actor: string | null;
  postponed_at: Date | string | null;
}

const iso = (t: Date | string) => new Date(t).toISOString();

function toRecord(r: Row): AuditRecord {
  return {
    seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, recordedAt: iso(r.recorded_at), disclosure: disclosureFromRow(r),
    ...(r.decision ? {
      review: {
        decision: r.decision, ...(r.comment !== null ? { comment: r.comment } : {}),
        reviewer: { agency: r.reviewer_agency!, actor: r.reviewer_actor! }, reviewedAt: iso(r.reviewed_at!),
      },
    } : {}),
    ...(r.visible_from ? {
      postponement: {
        reason: r.postponement_reason!, visibleFrom: iso(r.visible_from),
        postponedBy: { agency: r.postponed_by_agency!, actor: r.postponed_by_actor! }, recordedAt: iso(r.postponed_at!),
      },
    } : {}),
  };
}
