import { Pool } from 'pg';
import { postgresUrl, uniqueSchema } from '../../testing/src/services';

/**
 * Why the store assigns positions under a lock: this is the failure it prevents, reproduced on a
 * plain sequence-numbered table. Writers take positions in one order and commit in another; a
 * reader tailing `position > checkpoint` moves past positions whose rows are not visible yet and
 * never reads them. The contract suite runs the same kind of workload against SqlEventStore
 * and requires that nothing is skipped.
 */
describe('tailing a sequence-numbered log (the hazard SqlEventStore avoids)', () => {
  const schema = uniqueSchema('naive');
  let pool: Pool;

  beforeAll(async () => {
    pool = new Pool({ connectionString: await postgresUrl(), max: 12 });
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`CREATE TABLE ${schema}.events (position bigserial PRIMARY KEY, payload int NOT NULL)`);
  }, 120_000);
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
  });

  it('loses events that commit out of position order', async () => {
    let missed = 0;
    for (let round = 0; round < 5 && missed === 0; round++) missed = await tailWhileWriting();
    expect(missed).toBeGreaterThan(0);
  }, 60_000);

  async function tailWhileWriting(): Promise<number> {
    const written = new Set<number>();
    const seen = new Set<number>();
    let checkpoint = Number((await pool.query(`SELECT coalesce(max(position), 0) AS p FROM ${schema}.events`)).rows[0].p);
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const { rows } = await pool.query(`SELECT position FROM ${schema}.events WHERE position > $1 ORDER BY position`, [checkpoint]);
        for (const r of rows) seen.add(Number(r.position));
        if (rows.length > 0) checkpoint = Number(rows[rows.length - 1].position);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = await pool.connect();
        try {
          for (let i = 0; i < 30; i++) {
            await client.query('BEGIN');
            const { rows } = await client.query(`INSERT INTO ${schema}.events (payload) VALUES ($1) RETURNING position`, [i]);
            await client.query('SELECT pg_sleep(random() * 0.004)');
            await client.query('COMMIT');
            written.add(Number(rows[0].position));
          }
        } finally {
          client.release();
        }
      }),
    );
    writing = false;
    await reader;
    const { rows } = await pool.query(`SELECT position FROM ${schema}.events WHERE position > $1`, [checkpoint]);
    for (const r of rows) seen.add(Number(r.position));
    return [...written].filter((p) => !seen.has(p)).length;
  }
});
