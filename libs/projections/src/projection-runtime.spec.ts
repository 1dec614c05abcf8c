import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteSqlClient, SqlEventStore } from '@samhandling/event-store';
import { projectionRuntimeContract } from './testing/runtime.contract';

// PGlite holds one connection per data directory, so each test opens (and reopens) its own schema there.
describe('ProjectionRuntime on PGlite (embedded, data directory on disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-projections-'));
  let n = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  projectionRuntimeContract({
    newSchema: () => `projections_${++n}`,
    open: async (schema) => SqlEventStore.create(await PgliteSqlClient.open(dir), { schema }),
  });
});
