import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PgSqlClient } from '@samhandling/event-store';
import { postgresUrl, uniqueSchema } from '../../libs/testing/src/services';
import { Client, freePort, Installation, ROOT, waitUntil } from './support/apps';

/** The pids of a process's children, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * API_WORKERS=2 on PostgreSQL: two worker processes behind one port serve commands and reads; a
 * worker killed outright is replaced while the other keeps serving; SIGTERM stops them all. The
 * embedded store refuses more than one worker, saying why.
 */
describe('the API with two worker processes (API_WORKERS)', () => {
  const installation = new Installation(`w${randomUUID().slice(0, 6)}`);
  const schema = uniqueSchema('workers');
  let url: string;
  let api: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    url = await postgresUrl();
  });
  afterAll(async () => {
    if (api && api.exitCode === null) api.kill('SIGKILL');
    const sql = new PgSqlClient(url);
    await sql.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`).catch(() => undefined);
    await sql.close();
    installation.remove();
  });

  const start = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', 'dist/apps/api/src/main.js'], {
      cwd: ROOT, env: { ...process.env, TS_NODE_BASEURL: './dist', ...installation.env(), KAFKA_BROKERS: '', SCHEDULER_ENABLED: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

  it('serves from two workers, replaces one killed outright, and stops on SIGTERM', async () => {
    const port = await freePort();
    api = start({ DATABASE_URL: url, DATABASE_SCHEMA: schema, API_WORKERS: '2', PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    const client = new Client(base, installation);
    await waitUntil('the workers to serve', async () => ((await fetch(`${base}/health`).catch(() => undefined))?.ok ? true : undefined), 120_000);
    const workers = await waitUntil('two workers', async () => (childrenOf(api!.pid!).length === 2 ? childrenOf(api!.pid!) : undefined), 60_000);

    // Written through one worker, read (and written) through whichever answers next.
    const subjectId = randomUUID();
    await client.command('/subjects', 'oslo-refugee', { subjectId, givenName: 'Amina', familyName: 'Haile', birthDate: '1990-04-30' });
    const contacts = Array.from({ length: 10 }, () => randomUUID());
    for (const contactId of contacts) {
      await client.command(`/subjects/${subjectId}/contacts`, 'oslo-refugee', {
        contactId, occurredAt: new Date(Date.now() - 60_000).toISOString(), channel: 'phone', categories: ['contact_log'], summary: 'Called', concerns: [], interpreterUsed: false,
      });
    }
    const history = await client.get(`/subjects/${subjectId}/projections/contact-history?purpose=follow_up`, 'oslo-refugee');
    expect(history.status).toBe(200);
    expect(history.body.data.contacts.map((c: { contactId: string }) => c.contactId).sort()).toEqual([...contacts].sort());

    process.kill(workers[0], 'SIGKILL');
    const replaced = await waitUntil('a new worker', async () => {
      const now = childrenOf(api!.pid!);
      return now.length === 2 && !now.includes(workers[0]) ? now : undefined;
    }, 60_000);
    expect(replaced).toContain(workers[1]);
    for (let i = 0; i < 6; i++) expect((await client.get('/consents/pending', 'oslo-health')).status).toBe(200);
    expect(output).toContain('starting another');

    api.kill('SIGTERM');
    expect(await exited(api)).toBe(0);
    expect(replaced.filter((pid) => childrenOf(api!.pid!).includes(pid))).toEqual([]);
  }, 240_000);

  it('refuses two workers on the embedded store, saying why', async () => {
    const child = start({ DATABASE_URL: '', API_WORKERS: '2', PORT: String(await freePort()) });
    output = '';
    expect(await exited(child)).toBe(1);
    expect(output).toContain('API_WORKERS=2 needs PostgreSQL (DATABASE_URL)');
  }, 60_000);
});
