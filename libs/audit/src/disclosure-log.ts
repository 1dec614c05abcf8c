import { checkSchemaName, withDdlLock, type SqlClient, type SqlExecutor } from '@samhandling/event-store';
import { chainHash, GENESIS_HASH, type Disclosure } from './disclosure';
import { compactDisclosuresDdl, disclosureLogDdl, disclosuresAppendOnlyDdl } from './audit.migration';
import { disclosureFromRow, storedRecord, type DisclosureRow } from './disclosure-row';

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
  /** The chain's head as this instance last wrote or saw it (the fast path's starting point). */
  private head?: { seq: number; hash: string };
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly sql: SqlClient, private readonly schema: string) {}

  /** Creates the table if missing (tests, tools); the apps run the migrations and attach. */
  static async create(sql: SqlClient, schema = 'samhandling'): Promise<DisclosureLog> {
    const s = checkSchemaName(schema);
    await withDdlLock(sql, async (tx) => {
      for (const statement of [...disclosureLogDdl(s), ...disclosuresAppendOnlyDdl(s), ...compactDisclosuresDdl(s)]) await tx.query(statement);
    });
    return new DisclosureLog(sql, s);
  }

  /** An existing log, without DDL: for read-only use such as verifying from the CLI. */
  static attach(sql: SqlClient, schema = 'samhandling'): DisclosureLog {
    return new DisclosureLog(sql, checkSchemaName(schema));
  }

  /**
   * Records disclosures in order, in the caller's transaction when `tx` is given (so the record
   * and what it covers commit together). An id already recorded is skipped: re-deliveries and
   * retried reads never duplicate a record.
   */
  async record(disclosures: readonly Disclosure[], tx?: SqlExecutor): Promise<ChainedDisclosure[]> {
    if (disclosures.length === 0) return [];
    if (tx) return this.append(disclosures, tx);
    // One writer per process at a time: they would queue on the advisory lock anyway, and
    // this way each starts from the head the previous one left, so the fast path holds.
    const result = this.writes.then(() => this.append(disclosures));
    this.writes = result.catch(() => undefined);
    return result;
  }

  private async append(disclosures: readonly Disclosure[], tx?: SqlExecutor): Promise<ChainedDisclosure[]> {
    const head = this.head;
    if (head && !tx) {
      const rows = chain(disclosures, new Set(), head.seq, head.hash);
      if (await this.extend(rows, head)) return this.advanced(rows, head);
    }
    const run = async (q: SqlExecutor) => {
      await q.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [this.lockKey]);
      // After the lock, in a statement of its own (a fresh snapshot): the ids already recorded and the head.
      const [found] = await q.query<{ existing: string[] | null; seq: string | number | null; hash: string | null }>(
        `SELECT (SELECT array_agg(id::text) FROM ${this.schema}.disclosures WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)) AS existing,
                last.seq, encode(last.hash, 'hex') AS hash
           FROM (SELECT 1) one LEFT JOIN (SELECT seq, hash FROM ${this.schema}.disclosures ORDER BY seq DESC LIMIT 1) last ON true`,
        [JSON.stringify(disclosures.map((d) => d.id))],
      );
      const existing = new Set(found.existing ?? []);
      const from = { seq: found.seq !== null ? Number(found.seq) : 0, hash: found.hash ?? GENESIS_HASH };
      const rows = chain(disclosures, existing, from.seq, from.hash);
      if (rows.length > 0) await q.query(`INSERT INTO ${this.schema}.disclosures ${COLUMNS} SELECT ${VALUES} FROM ${RECORDSET}`, [rowsJson(rows)]);
      return this.advanced(rows, from);
    };
    return tx ? run(tx) : this.sql.transaction(run);
  }

  /**
   * The fast path, outside a caller's transaction: extend the head this instance last saw in
   * one autocommit statement instead of six round trips — this is what keeps the audit write
   * within 2× of a projection read (bench/audit). It inserts nothing if the head has moved (its
   * hash covers its seq) or another writer holds the lock (it does not wait: the careful path
   * above does); if a writer slips in between guard and insert, or the id is already recorded
   * (a retried read), a unique key refuses the whole statement. Either way the careful path
   * takes over, so a stale head never forks the chain, and as the fast path inserts only while
   * holding the lock, the careful path never meets a conflict itself.
   */
  private async extend(rows: ChainedDisclosure[], head: { seq: number; hash: string }): Promise<boolean> {
    const s = this.schema;
    try {
      const inserted = await this.sql.query(
        `INSERT INTO ${s}.disclosures ${COLUMNS}
         SELECT ${VALUES} FROM ${RECORDSET}
          WHERE (SELECT hash FROM ${s}.disclosures ORDER BY seq DESC LIMIT 1) = decode($2, 'hex') AND pg_try_advisory_xact_lock(hashtext($3))
         RETURNING seq`,
        [rowsJson(rows), head.hash, this.lockKey],
      );
      return inserted.length === rows.length;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    }
  }

  private advanced(rows: ChainedDisclosure[], from: { seq: number; hash: string }): ChainedDisclosure[] {
    const last = rows[rows.length - 1];
    this.head = last ? { seq: last.seq, hash: last.hash } : from.seq > 0 ? from : undefined;
    return rows;
  }

  private get lockKey(): string {
    return `samhandling-disclosures:${this.schema}`;
  }

  /** Records in chain order, optionally only about one person (for reports). */
  async read(options: { afterSeq?: number; limit?: number; subjectId?: string } = {}): Promise<ChainedDisclosure[]> {
    const rows = await this.sql.query<DisclosureRow & { seq: string | number; prev_hash: string; hash: string; recorded_at: Date | string }>(
      `SELECT seq, ${HASHES}, recorded_at, id, subject_id, recipient, occurred_at, record FROM ${this.schema}.disclosures
        WHERE seq > $1 AND ($3::text IS NULL OR subject_id = $3) ORDER BY seq LIMIT $2`,
      [options.afterSeq ?? 0, options.limit ?? 1000, options.subjectId ?? null],
    );
    return rows.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, recordedAt: new Date(r.recorded_at).toISOString(), disclosure: disclosureFromRow(r) }));
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

const COLUMNS = '(seq, id, subject_id, recipient, occurred_at, record, prev_hash, hash)';
const RECORDSET = 'jsonb_to_recordset($1::jsonb) AS x(seq bigint, id uuid, subject_id text, recipient text, occurred_at timestamptz, record jsonb, prev_hash text, hash text)';
/** The hashes travel as hex (what chainHash gives and the API shows) and are kept as 32 bytes. */
const VALUES = `x.seq, x.id, x.subject_id, x.recipient, x.occurred_at, x.record, decode(x.prev_hash, 'hex'), decode(x.hash, 'hex')`;
/** The chain's hashes of a row of `disclosures`, as hex, for a SELECT list. */
const HASHES = `encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash`;

/** Chains disclosures onto (seq, hash), skipping ids already recorded or repeated in the batch. */
function chain(disclosures: readonly Disclosure[], existing: Set<string>, seq: number, prev: string): ChainedDisclosure[] {
  const seen = new Set(existing);
  const rows: ChainedDisclosure[] = [];
  for (const d of disclosures) {
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    seq += 1;
    const hash = chainHash(seq, prev, d);
    rows.push({ seq, prevHash: prev, hash, recordedAt: '', disclosure: d });
    prev = hash;
  }
  return rows;
}

const rowsJson = (rows: ChainedDisclosure[]) => JSON.stringify(rows.map((r) => ({
  seq: r.seq, id: r.disclosure.id, subject_id: r.disclosure.subjectId, recipient: r.disclosure.recipient.agency,
  occurred_at: r.disclosure.occurredAt, record: storedRecord(r.disclosure), prev_hash: r.prevHash, hash: r.hash,
})));
