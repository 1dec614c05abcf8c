import { checkSchemaName, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import { chainHash, GENESIS_HASH, type Disclosure } from './disclosure';

export interface ChainedDisclosure {
  seq: number;
  prevHash: string;
  hash: string;
  recordedAt: string;
  disclosure: Disclosure;
}

export type ChainVerification =
  | { ok: true; records: number; lastHash: string }
  | { ok: false; records: number; brokenAt: number; problem: 'hash_mismatch' | 'broken_link' | 'missing_record' };

/**
 * The disclosure log: append-only, hash-chained. Appends serialise on an advisory lock (as
 * event appends do), so `seq` is dense and each record carries the hash of the one before;
 * altering, deleting or reordering any record breaks the chain at that point.
 */
export class DisclosureLog {
  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  static async create(sql: SqlClient, schema = 'samhandling'): Promise<DisclosureLog> {
    const s = checkSchemaName(schema);
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-ddl'))`);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.disclosures (
        seq         bigint      PRIMARY KEY,
        id          uuid        NOT NULL UNIQUE,
        subject_id  text        NOT NULL,
        recipient   text        NOT NULL,
        occurred_at timestamptz NOT NULL,
        record      jsonb       NOT NULL,
        prev_hash   text        NOT NULL,
        hash        text        NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
      await tx.query(`CREATE INDEX IF NOT EXISTS disclosures_subject ON ${s}.disclosures (subject_id, seq)`);
      await tx.query(`CREATE INDEX IF NOT EXISTS disclosures_recipient ON ${s}.disclosures (recipient, seq)`);
    });
    return new DisclosureLog(sql, s);
  }

  /**
   * Records disclosures in order, in the caller's transaction when `tx` is given (so the record
   * and what it covers commit together). An id already recorded is skipped: re-deliveries and
   * retried reads never duplicate a record.
   */
  async record(disclosures: readonly Disclosure[], tx?: SqlExecutor): Promise<ChainedDisclosure[]> {
    if (disclosures.length === 0) return [];
    const run = async (q: SqlExecutor) => {
      await q.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`samhandling-disclosures:${this.schema}`]);
      const existing = new Set(
        (await q.query<{ id: string }>(`SELECT id FROM ${this.schema}.disclosures WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`, [
          JSON.stringify(disclosures.map((d) => d.id)),
        ])).map((r) => r.id),
      );
      const [last] = await q.query<{ seq: string | number; hash: string }>(`SELECT seq, hash FROM ${this.schema}.disclosures ORDER BY seq DESC LIMIT 1`);
      let seq = last ? Number(last.seq) : 0;
      let prev = last?.hash ?? GENESIS_HASH;
      const rows: ChainedDisclosure[] = [];
      for (const d of disclosures) {
        if (existing.has(d.id)) continue;
        existing.add(d.id);
        seq += 1;
        const hash = chainHash(seq, prev, d);
        rows.push({ seq, prevHash: prev, hash, recordedAt: '', disclosure: d });
        prev = hash;
      }
      if (rows.length === 0) return rows;
      await q.query(
        `INSERT INTO ${this.schema}.disclosures (seq, id, subject_id, recipient, occurred_at, record, prev_hash, hash)
         SELECT seq, id, subject_id, recipient, occurred_at, record, prev_hash, hash
           FROM jsonb_to_recordset($1::jsonb) AS x(seq bigint, id uuid, subject_id text, recipient text, occurred_at timestamptz, record jsonb, prev_hash text, hash text)`,
        [JSON.stringify(rows.map((r) => ({
          seq: r.seq, id: r.disclosure.id, subject_id: r.disclosure.subjectId, recipient: r.disclosure.recipient.agency,
          occurred_at: r.disclosure.occurredAt, record: r.disclosure, prev_hash: r.prevHash, hash: r.hash,
        })))],
      );
      return rows;
    };
    return tx ? run(tx) : this.sql.transaction(run);
  }

  /** Records in chain order, optionally only about one person (for reports). */
  async read(options: { afterSeq?: number; limit?: number; subjectId?: string } = {}): Promise<ChainedDisclosure[]> {
    const rows = await this.sql.query<{ seq: string | number; prev_hash: string; hash: string; recorded_at: Date | string; record: Disclosure }>(
      `SELECT seq, prev_hash, hash, recorded_at, record FROM ${this.schema}.disclosures
        WHERE seq > $1 AND ($3::text IS NULL OR subject_id = $3) ORDER BY seq LIMIT $2`,
      [options.afterSeq ?? 0, options.limit ?? 1000, options.subjectId ?? null],
    );
    return rows.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, recordedAt: new Date(r.recorded_at).toISOString(), disclosure: r.record }));
  }

  /** Walks the whole chain and reports the first record that does not fit. */
  async verify(pageSize = 5000): Promise<ChainVerification> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    for (;;) {
      const page = await this.read({ afterSeq: expectedSeq - 1, limit: pageSize });
      if (page.length === 0) return { ok: true, records: expectedSeq - 1, lastHash: prev };
      for (const r of page) {
        if (r.seq !== expectedSeq) return { ok: false, records: expectedSeq - 1, brokenAt: expectedSeq, problem: 'missing_record' };
        if (r.prevHash !== prev) return { ok: false, records: expectedSeq - 1, brokenAt: r.seq, problem: 'broken_link' };
        if (chainHash(r.seq, r.prevHash, r.disclosure) !== r.hash) return { ok: false, records: expectedSeq - 1, brokenAt: r.seq, problem: 'hash_mismatch' };
        prev = r.hash;
        expectedSeq += 1;
      }
    }
  }
}
