import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgresUrl } from '../../../testing/src/services';
import { PgSqlClient } from './pg.client';

/** Connections PostgreSQL drops (restart, failover, idle timeout) must not take the process down. */
describe('PgSqlClient when PostgreSQL drops its connections', () => {
  const app = `pgclient-${randomUUID().slice(0, 8)}`;
  let url: string;
  let client: PgSqlClient;
  let admin: PgSqlClient;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);

  beforeAll(async () => {
    url = await postgresUrl();
    client = new PgSqlClient({ connectionString: url, application_name: app });
    admin = new PgSqlClient(url);
    process.on('uncaughtException', onUnhandled);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUnhandled);
    await client?.close();
    await admin?.close();
  });

  const terminate = () => admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, [app]);

  it('fails a transaction whose connection is lost, and works again afterwards', async () => {
    await expect(client.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await terminate();
      await sleep(100);
      await tx.query('SELECT 1');
    })).rejects.toThrow();
    await expect(client.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
    expect(unhandled).toEqual([]);
  });

  it('listens again after its LISTEN connection is lost, and says something may have been missed', async () => {
    const channel = `ch_${randomUUID().slice(0, 8)}`;
    let notified = 0;
    const stop = await client.listen(channel, () => notified++);
    await admin.query(`SELECT pg_notify($1, '')`, [channel]);
    await waitFor(() => notified >= 1);
    await terminate();
    // Reconnected: the missed-notification call, then real notifications again.
    await waitFor(() => notified >= 2, 5_000);
    const before = notified;
    await admin.query(`SELECT pg_notify($1, '')`, [channel]);
    await waitFor(() => notified > before);
    await stop();
    expect(unhandled).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('PgSqlClient prepared statements', () => {
  it('keeps a statement marked prepared on its connection, and prepares it again on a new one', async () => {
    const url = await postgresUrl();
    const one = new PgSqlClient({ connectionString: url, max: 1, application_name: `pgprep-${randomUUID().slice(0, 8)}` });
    const admin = new PgSqlClient(url);
    try {
      const text = 'SELECT $1::int + 1 AS n';
      expect(await one.query(text, [1], { prepared: true })).toEqual([{ n: 2 }]);
      expect(await one.query(text, [41], { prepared: true })).toEqual([{ n: 42 }]);
      // The pool has one connection, so this runs on the same one and sees its prepared statements.
      const prepared = await one.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements`);
      expect(prepared).toEqual([{ name: expect.stringMatching(/^samhandling_[0-9a-f]{32}$/), statement: text }]);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'pgprep-%' AND pid <> pg_backend_pid()`);
      await sleep(100);
      expect(await one.query(text, [2], { prepared: true })).toEqual([{ n: 3 }]);
    } finally {
      await one.close();
      await admin.close();
    }
  });
});
