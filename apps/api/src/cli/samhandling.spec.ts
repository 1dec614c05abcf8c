import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { AgencyDirectory } from '@samhandling/config';
import { PgliteSqlClient } from '@samhandling/event-store';
import { TokenVerifier } from '../platform/auth/token-verifier';
import { loadConfig } from '../platform/config/app-config';
import { ApiHarness, contactBody } from '../testing/api-harness';
import type { CliIo } from './cli-io';
import { runCli } from './samhandling';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Runs one command line with the given environment, capturing what it prints. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const progress = new PassThrough();
  const drawn: string[] = [];
  progress.on('data', (chunk: Buffer) => drawn.push(chunk.toString()));
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), env: { AGENCY_DIRECTORY: join(ROOT, 'config', 'agencies.json'), ...env }, progress };
  const code = await runCli(argv, io);
  return { code, out: out.join(''), err: err.join(''), progress: drawn.join('') };
}

describe('samhandling CLI', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'samhandling-cli-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  describe('token', () => {
    it('mints with the key in the DATA_DIR the API uses, and the API verifies it', async () => {
      const dataDir = join(scratch, 'token-data');
      const env = { DATA_DIR: dataDir, AGENCY_DIRECTORY: join(ROOT, 'config', 'agencies.json') };
      // The API creates the key when it starts; the verifier is what it builds at start.
      const verifier = await TokenVerifier.create(loadConfig(env), AgencyDirectory.fromFile(env.AGENCY_DIRECTORY));
      const minted = await cli(['token', 'oslo-health', 'anne', '--roles', 'privacy-officer'], env);
      expect(minted).toMatchObject({ code: 0, err: '' });
      const caller = await verifier.verify(minted.out.trim());
      expect(caller).toMatchObject({ agency: { id: 'oslo-health' }, actor: 'anne', roles: ['privacy-officer'] });
    });

    it('refuses, naming DATA_DIR, rather than minting with a key no API holds', async () => {
      const dataDir = join(scratch, 'never-started');
      const result = await cli(['token', 'oslo-health'], { DATA_DIR: dataDir });
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toContain(`DATA_DIR=${dataDir}`);
    });

    it('refuses an unknown agency, a bad duration, and an API that takes its tokens from an identity provider', async () => {
      const dataDir = join(scratch, 'token-data');
      expect(await cli(['token', 'no-such-agency'], { DATA_DIR: dataDir })).toMatchObject({ code: 2, out: '', err: expect.stringContaining('oslo-health') });
      expect(await cli(['token', 'oslo-health', 'anne', '--expires', 'forever'], { DATA_DIR: dataDir })).toMatchObject({ code: 2, out: '' });
      expect(await cli(['token', 'oslo-health'], { DATA_DIR: dataDir, JWT_JWKS_URL: 'https://idp.example/jwks' })).toMatchObject({ code: 2, out: '', err: expect.stringContaining('identity provider') });
      expect(await cli(['token'], { DATA_DIR: dataDir })).toMatchObject({ code: 2, out: '' });
    });
  });

  describe('agencies check', () => {
    it('passes the shipped directory and names every problem of a broken one', async () => {
      expect(await cli(['agencies', 'check', join(ROOT, 'config', 'agencies.json')])).toMatchObject({ code: 0, out: expect.stringContaining('12 agencies') });
      const file = join(scratch, 'agencies.json');
      writeFileSync(file, JSON.stringify([
        { id: 'oslo-health', kind: 'health', municipality: '0301', name: 'Helse' },
        { id: 'oslo-health', kind: 'health', municipality: '0301', name: 'Twice' },
        { id: 'Bad_Id', kind: 'police', municipality: '301', name: 'x' },
        { id: 'nav-x', kind: 'nav', municipality: null, name: 'NAV', extra: 1 },
      ]));
      const result = await cli(['agencies', 'check', file]);
      expect(result.code).toBe(1);
      for (const problem of ['oslo-health is listed twice', 'must be lower-case', 'unknown kind "police"', 'four-digit', 'only a national authority has no municipality', 'unknown field(s) extra']) {
        expect(result.err).toContain(problem);
      }
      writeFileSync(file, '{ not json');
      expect(await cli(['agencies', 'check', file])).toMatchObject({ code: 1, err: expect.stringContaining(file) });
    });

    it('is what the API loads: a directory the check refuses does not load', () => {
      expect(() => new AgencyDirectory([{ id: 'nav-x', kind: 'nav', municipality: null, name: 'NAV' }])).toThrow(/national authority/);
    });
  });

  describe('catalog check', () => {
    it('passes the shipped catalog and names the file and problem of a broken one', async () => {
      expect(await cli(['catalog', 'check', join(ROOT, 'libs', 'policy', 'catalog')])).toMatchObject({ code: 0, out: expect.stringContaining('2026-01') });
      const dir = join(scratch, 'catalog');
      mkdirSync(dir);
      const good = JSON.parse(readFileSync(join(ROOT, 'libs', 'policy', 'catalog', '2026-01.json'), 'utf8'));
      writeFileSync(join(dir, '2026-01.json'), JSON.stringify(good));
      writeFileSync(join(dir, '2026-02.json'), JSON.stringify({ ...good, version: '2026-02', entries: [{ ...good.entries[0], purposes: ['gossip'] }] }));
      writeFileSync(join(dir, '2026-03.json'), '{"version": "2026-03", ');
      writeFileSync(join(dir, '2026-04.json'), JSON.stringify({ ...good, version: '2026-01' }));
      const result = await cli(['catalog', 'check', dir]);
      expect(result.code).toBe(1);
      expect(result.err).toContain('2026-02.json');
      expect(result.err).toContain('purposes');
      expect(result.err).toContain('2026-03.json');
      expect(result.err).toContain('version 2026-01 is also in 2026-01.json');
    });

    it('honours LEGAL_BASES_ENABLED as the API does', async () => {
      const catalog = join(ROOT, 'libs', 'policy', 'catalog');
      expect(await cli(['catalog', 'check', catalog], { LEGAL_BASES_ENABLED: 'no-such-entry' })).toMatchObject({ code: 1, err: expect.stringContaining('no-such-entry') });
    });
  });

  describe('projections rebuild', () => {
    let dataDir: string;
    let subjectId: string;

    beforeAll(async () => {
      // A real API on PGlite records a person and a contact, then stops, leaving its data directory.
      const api = await ApiHarness.start();
      dataDir = api.config.dataDir;
      subjectId = await api.registerSubject();
      expect((await api.post(`/subjects/${subjectId}/contacts`, contactBody(), { as: 'oslo-refugee' })).status).toBe(201);
      await api.app.close();
    }, 120_000);
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    const stateOf = async (projection: string) => {
      const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
      try {
        const rows = await sql.query<{ state: { contacts?: unknown[] } }>('SELECT state FROM samhandling.projection_state WHERE projection = $1 AND key = $2', [projection, subjectId]);
        const checkpoint = await sql.query<{ position: string }>("SELECT position FROM samhandling.checkpoints WHERE name = 'projections:' || $1", [projection]);
        return { state: rows[0]?.state, checkpoint: Number(checkpoint[0]?.position ?? 0) };
      } finally {
        await sql.close();
      }
    };

    it('folds the whole log into a projection whose state was lost, with progress', async () => {
      const before = await stateOf('contact-history');
      expect(before.state).toBeDefined();
      const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
      await sql.query("DELETE FROM samhandling.projection_state WHERE projection = 'contact-history'");
      await sql.close();
      expect((await stateOf('contact-history')).state).toBeUndefined();

      const result = await cli(['projections', 'rebuild', 'contact-history'], { DATA_DIR: dataDir });
      expect(result).toMatchObject({ code: 0, err: expect.stringContaining('rebuilt contact-history: 2 event(s)') });
      expect(result.progress).toContain('rebuilding contact-history');
      expect(result.progress).toContain('2/2 events');
      expect(await stateOf('contact-history')).toEqual(before);
    }, 60_000);

    it('refuses an unknown projection, listing the known ones', async () => {
      expect(await cli(['projections', 'rebuild', 'gossip'], { DATA_DIR: dataDir })).toMatchObject({ code: 2, err: expect.stringContaining('person-overview') });
    });

    it('refuses while another live process holds the embedded data directory, and takes over a dead one\'s lock', async () => {
      const lock = join(dataDir, 'pglite', 'samhandling.lock');
      const holder: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      try {
        writeFileSync(lock, `${holder.pid}\n`);
        const refused = await cli(['projections', 'rebuild', 'contact-history'], { DATA_DIR: dataDir });
        expect(refused).toMatchObject({ code: 2, err: expect.stringContaining(`in use by process ${holder.pid}`) });
      } finally {
        holder.kill('SIGKILL');
        await new Promise((r) => holder.once('exit', r));
      }
      // The holder died without cleaning up: its lock no longer counts.
      expect(await cli(['projections', 'rebuild', 'contact-history'], { DATA_DIR: dataDir })).toMatchObject({ code: 0 });
    }, 60_000);
  });
});
