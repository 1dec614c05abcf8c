import { createServer, type Server } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { isStoreOutage, WrongExpectedRevisionError } from './errors';
import { PgSqlClient } from './sql/pg.client';

/** Runs `work` and returns what it threw: the real error, as the store would see it. */
const thrown = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};
const listening = (server: Server) => new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as { port: number }).port)));
const closed = (server: Server) => new Promise((ok) => server.close(ok));

describe('isStoreOutage: an unavailable store, not a request it cannot store', () => {
  it('a database whose port refuses connections is an outage', async () => {
    const server = createServer();
    const port = await listening(server);
    await closed(server);
    const client = new PgSqlClient(`postgres://postgres@127.0.0.1:${port}/none`);
    const error = await thrown(() => client.query('SELECT 1'));
    await client.close();
    expect(isStoreOutage(error)).toBe(true);
  });

  it('a connection dropped by the other side is an outage', async () => {
    const server = createServer((socket) => socket.destroy());
    const port = await listening(server);
    const client = new PgSqlClient(`postgres://postgres@127.0.0.1:${port}/none`);
    const error = await thrown(() => client.query('SELECT 1'));
    await client.close();
    await closed(server);
    expect(isStoreOutage(error)).toBe(true);
  });

  it('a closed pool is an outage', async () => {
    const client = new PgSqlClient('postgres://postgres@127.0.0.1:1/none');
    await client.close();
    expect(isStoreOutage(await thrown(() => client.query('SELECT 1')))).toBe(true);
  });

  it('the server shutting down, refusing connections, or out of them is an outage', () => {
    for (const code of ['08006', '08001', '08P01', '57P01', '57P02', '57P03', '53300']) {
      expect([code, isStoreOutage(Object.assign(new Error('x'), { code }))]).toEqual([code, true]);
    }
    const everyAddress = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), Object.assign(new Error('y'), { code: 'ECONNREFUSED' })]);
    expect(isStoreOutage(everyAddress)).toBe(true);
    expect(isStoreOutage(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }))).toBe(true);
  });

  it('errors of the statement itself are not outages (a NUL in JSON, a trigger, a constraint); a closed PGlite is', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.exec(`CREATE TABLE t (v jsonb CHECK (v ? 'ok'));
        CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
        CREATE TABLE u (v int); CREATE TRIGGER refuse BEFORE INSERT ON u FOR EACH ROW EXECUTE FUNCTION refuse();`);
      const nul = await thrown(() => db.query(`SELECT '{"a": "\\u0000"}'::jsonb ->> 'a'`));
      const check = await thrown(() => db.query(`INSERT INTO t VALUES ('{}')`));
      const trigger = await thrown(() => db.query('INSERT INTO u VALUES (1)'));
      expect([nul, check, trigger].map((e) => (e as { code?: string }).code)).toEqual(['22P05', '23514', 'P0001']);
      for (const error of [nul, check, trigger]) expect(isStoreOutage(error)).toBe(false);
    } finally {
      await db.close();
    }
    expect(isStoreOutage(await thrown(() => db.query('SELECT 1')))).toBe(true);
  });

  it('unknown errors, coded store errors and non-errors are not outages', () => {
    for (const error of [new Error('boom'), new TypeError('x is undefined'), new WrongExpectedRevisionError('s', 1, 2), new AggregateError([]), 'ECONNREFUSED', undefined, null, { code: '23505' }]) {
      expect(isStoreOutage(error)).toBe(false);
    }
  });
});
