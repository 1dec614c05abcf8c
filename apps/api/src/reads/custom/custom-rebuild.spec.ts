import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { PgliteSqlClient } from '@samhandling/event-store';
import type { CliIo } from '../../cli/cli-io';
import { runCli } from '../../cli/samhandling';
import { ApiHarness, contactBody } from '../../testing/api-harness';

const ROOT = resolve(__dirname, '..', '..', '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'custom-projection', 'contacts-per-channel.js');
const NAME = 'contacts-per-channel';

/**
 * A custom projection's state is the log's, not the module's: the CLI folds it again from the log,
 * a version bump makes the API fold it again on start, and a module whose evolve fails holds up
 * its own reads only.
 */
describe('a custom projection is rebuilt from the log', () => {
  jest.setTimeout(60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'samhandling-custom-rebuild-'));
  let subjectId: string;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The example with another version and evolve, as an integrator would change it. */
  const changed = (version: number, evolve: string) => {
    const file = join(dataDir, `contacts-per-channel-v${version}.js`);
    writeFileSync(file, `${readFileSync(EXAMPLE, 'utf8').replace('version: 1,', `version: ${version},`).replace(/\n  evolve\(state, event\) \{[\s\S]*\n  \},\n/, `\n  evolve(state, event) { ${evolve} },\n`)}`);
    return file;
  };
  const withApi = async <T>(module: string, work: (api: ApiHarness) => Promise<T>): Promise<T> => {
    const api = await ApiHarness.start({ dataDir, env: { CUSTOM_PROJECTIONS: module } });
    try {
      return await work(api);
    } finally {
      await api.close();
    }
  };
  const read = async (api: ApiHarness, projection = NAME) =>
    api.http.get(`/subjects/${subjectId}/projections/${projection}?purpose=follow_up`).set('Authorization', `Bearer ${await api.token('oslo-refugee')}`);
  const stored = async () => {
    const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
    try {
      return (await sql.query<{ state: unknown }>('SELECT state FROM samhandling.projection_state WHERE projection = $1 AND key = $2', [NAME, subjectId]))[0]?.state;
    } finally {
      await sql.close();
    }
  };

  it('by the CLI, and by the API when the module\'s version is bumped', async () => {
    const before = await withApi(EXAMPLE, async (api) => {
      subjectId = await api.registerSubject();
      for (const channel of ['phone', 'phone', 'video']) {
        expect((await api.post(`/subjects/${subjectId}/contacts`, contactBody({ channel, categories: ['contact_log'] }))).status).toBe(201);
      }
      const res = await read(api);
      expect(res.body.data.channels).toMatchObject({ phone: { contacts: 2 }, video: { contacts: 1 } });
      return res.body.data;
    });
    const folded = await stored();

    // The states are lost; `samhandling projections rebuild` folds them again from the log.
    const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
    await sql.query('DELETE FROM samhandling.projection_state WHERE projection = $1', [NAME]);
    await sql.close();
    expect(await stored()).toBeUndefined();
    const out: string[] = [];
    const io: CliIo = { out: () => undefined, err: (t) => void out.push(t), env: { DATA_DIR: dataDir, CUSTOM_PROJECTIONS: EXAMPLE, AGENCY_DIRECTORY: join(ROOT, 'config', 'agencies.json') }, progress: new PassThrough() };
    expect(await runCli(['projections', 'rebuild', NAME], io)).toBe(0);
    expect(out.join('')).toContain(`rebuilt ${NAME}: 4 event(s)`);
    expect(await stored()).toEqual(folded);

    // Version 2 counts every contact as well: on start, the API folds the whole log into it again.
    const v2 = changed(2, 'const channels = { ...state.channels, [event.data.channel]: { contacts: (state.channels[event.data.channel]?.contacts ?? 0) + 1 } }; return { ...state, channels, total: (state.total ?? 0) + 1 };');
    await withApi(v2, async (api) => {
      const res = await read(api);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ subjectId, total: 3, channels: { phone: { contacts: 2 }, video: { contacts: 1 } } });
      expect(res.body.data).not.toEqual(before);
    });
  });

  it('while its evolve fails, answers its reads 503 and keeps the built-ins reading', async () => {
    const failing = changed(3, "throw new TypeError('cannot count ' + event.data.summary);");
    await withApi(failing, async (api) => {
      const custom = await read(api);
      expect(custom.status).toBe(503);
      expect(custom.body).toMatchObject({ error: 'READ.PROJECTION_FAILING', message: expect.stringContaining(`Custom projection ${NAME} failed on event`) });
      expect(custom.body.message).toContain('its evolve threw TypeError');
      // The summary is content about the person: never in an answer.
      expect(custom.body.message).not.toContain('cannot count');
      expect((await read(api, 'contact-history')).status).toBe(200);
    });
  });
});
