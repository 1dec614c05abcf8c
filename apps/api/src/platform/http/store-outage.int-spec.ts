import { createServer, connect, type Server, type Socket } from 'node:net';
import { PgSqlClient } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../../../../libs/testing/src/services';
import { captureLogs } from '../../testing/capture-logs';
import { RestartableApi, until, type ApiInstance } from '../../follow-up/testing/restartable-api';
import { subjectBody } from '../../testing/api-harness';

/** A TCP proxy in front of PostgreSQL that can be cut (connections reset, new ones refused) and restored. */
class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly host: string, private readonly upstreamPort: number) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.upstreamPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined).on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => server?.close(resolve));
  }
}

describe('a PostgreSQL outage under a running API', () => {
  let url: URL;
  let proxy: CuttableProxy;
  let api: RestartableApi | undefined;
  let instance: ApiInstance;
  const schema = uniqueSchema('outage');

  beforeAll(async () => {
    url = new URL(await postgresUrl());
    proxy = new CuttableProxy(url.hostname, Number(url.port || 5432));
    await proxy.open();
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    api = RestartableApi.create({ databaseUrl: viaProxy.toString(), schema });
    instance = await api.start();
  }, 120_000);
  afterAll(async () => {
    await proxy?.open();
    await api?.dispose();
    await proxy?.cut();
    const sql = new PgSqlClient(url.toString());
    await sql.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`);
    await sql.close();
  }, 60_000);

  it('answers 503 with Retry-After while the database is away, logs one line at the start and one at the end, then works again', async () => {
    expect((await instance.post('/subjects', subjectBody(), 'oslo-refugee')).status).toBe(201);
    const logs = captureLogs();
    try {
      await proxy.cut();
      let refused = 0;
      for (let i = 0; i < 15; i++) {
        for (const res of [await instance.post('/subjects', subjectBody(), 'oslo-refugee'), await instance.get('/referral-board', 'oslo-refugee')]) {
          expect({ status: res.status, code: res.body.error, retryAfter: res.headers['retry-after'] }).toEqual({ status: 503, code: 'STORE.UNAVAILABLE', retryAfter: '5' });
          refused++;
        }
      }
      expect(logs.lines.filter((l) => l.context === 'Store').map((l) => l.level)).toEqual(['warn']);
      expect(logs.lines.filter((l) => l.context === 'Errors')).toEqual([]);

      await proxy.open();
      await until(() => logs.lines.filter((l) => l.context === 'Store').length === 2, 'the end of the outage in the log');
      expect((await instance.post('/subjects', subjectBody(), 'oslo-refugee')).status).toBe(201);
      const store = logs.lines.filter((l) => l.context === 'Store');
      expect(store.map((l) => l.level)).toEqual(['warn', 'log']);
      const count = Number(/; (\d+) request\(s\) were answered 503$/.exec(store[1].message)?.[1]);
      expect(count).toBeGreaterThanOrEqual(refused);
      expect(logs.lines.filter((l) => l.context === 'Errors')).toEqual([]);
    } finally {
      logs.restore();
    }
  }, 60_000);
});
