import { PgSqlClient, SqlEventStore } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../testing/src/services';
import { projectionRuntimeContract } from './testing/runtime.contract';

describe('ProjectionRuntime on PostgreSQL (pg)', () => {
  const schemas: string[] = [];
  let url: string;

  beforeAll(async () => {
    url = await postgresUrl();
  }, 120_000);
  afterAll(async () => {
    if (!url) return;
    const sql = new PgSqlClient(url);
    for (const schema of schemas) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  projectionRuntimeContract({
    newSchema: () => {
      const schema = uniqueSchema('projections');
      schemas.push(schema);
      return schema;
    },
    open: async (schema) => SqlEventStore.create(new PgSqlClient({ connectionString: url, max: 4 }), { schema }),
  });
});
