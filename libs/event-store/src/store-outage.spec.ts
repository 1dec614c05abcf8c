import { createServer, type AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { InvalidAppendError, isStoreOutage } from './errors';

/** A local port that nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => work().then(() => undefined, (error: unknown) => error);

describe('isStoreOutage', () => {
  it('is true for what pg throws when the server refuses the connection', async () => {
    const pool = new Pool({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
    try {
      const error = await failureOf(() => pool.query('select 1'));
      expect(error).toBeDefined();
      expect(isStoreOutage(error)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('is true for a pool that was ended and for a closed PGlite', async () => {
    const pool = new Pool({ host: '127.0.0.1', port: 1 });
    await pool.end();
    expect(isStoreOutage(await failureOf(() => pool.query('select 1')))).toBe(true);
    const db = new PGlite();
    await db.close();
    expect(isStoreOutage(await failureOf(() => db.query('select 1')))).toBe(true);
  });

  it.each([
    ['server shutting down', { code: '57P01' }], ['crash shutdown', { code: '57P02' }], ['starting up', { code: '57P03' }],
    ['connection failure', { code: '08006' }], ['too many connections', { code: '53300' }], ['reset', { code: 'ECONNRESET' }],
    ['a cause', { message: 'wrapped', cause: { code: 'ETIMEDOUT' } }], ['AggregateError', { errors: [{ code: 'ECONNREFUSED' }] }],
  ])('is true for %s', (_name, error) => {
    expect(isStoreOutage(Object.assign(new Error('x'), error))).toBe(true);
  });

  it.each([
    ['bad input for jsonb', Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })],
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a coded store error', new InvalidAppendError('no events')],
    ['a bug', new TypeError('x is undefined')],
    ['not an error', 'ECONNREFUSED'], ['null', null],
  ])('is false for %s', (_name, error) => {
    expect(isStoreOutage(error)).toBe(false);
  });
});
