import { PgSqlClient } from './sql/pg.client';
import { SqlEventStore } from './sql/sql-event-store';
import { eventStoreContract } from './testing/event-store.contract';
import { postgresUrl, uniqueSchema } from '../../testing/src/services';

describe('SqlEventStore on PostgreSQL (pg)', () => {
  const schema = uniqueSchema('contract');
  let url: string;
  let current: SqlEventStore;
  const extra: SqlEventStore[] = [];
  const open = async (max = 4) => SqlEventStore.create(new PgSqlClient({ connectionString: url, max }), { schema });

  beforeAll(async () => {
    url = await postgresUrl();
    current = await open();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(extra.map((s) => s.close()));
    await current?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await current?.close();
  });

  eventStoreContract({
    store: () => current,
    openWriter: async () => {
      const writer = await open(2);
      extra.push(writer);
      return writer;
    },
    reopen: async () => {
      await current.close();
      current = await open();
      return current;
    },
  });
});
