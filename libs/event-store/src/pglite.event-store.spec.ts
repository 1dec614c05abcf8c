import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient } from './sql/pglite.client';
import { SqlEventStore } from './sql/sql-event-store';
import { eventStoreContract } from './testing/event-store.contract';

// PGlite is a single in-process connection: "other writers" share it, as other modules of one
// embedded process would. The contract still runs them concurrently against the same store.
describe('SqlEventStore on PGlite (embedded, data directory on disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-pglite-'));
  let current: SqlEventStore;
  const open = async () => SqlEventStore.create(await PgliteSqlClient.open(dir), { schema: 'contract' });

  beforeAll(async () => {
    current = await open();
  }, 60_000);
  afterAll(async () => {
    await current.close();
    rmSync(dir, { recursive: true, force: true });
  });

  eventStoreContract({
    store: () => current,
    openWriter: async () => current,
    reopen: async () => {
      await current.close();
      current = await open();
      return current;
    },
  });
});
