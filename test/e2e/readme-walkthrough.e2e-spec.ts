import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, RunningApp, waitUntil } from './support/apps';
import { readmeScript } from './support/readme-script';

/**
 * The README's walk-through, pasted as a newcomer would: the API on the embedded default (a fresh
 * DATA_DIR), then every ```bash block of the walk-through sections in order, with the README's own
 * `npx samhandling token` and `npx samhandling audit` commands. Every curl must answer what the README says it
 * answers (2xx unless a comment next to it names the refusal), and every command must succeed.
 */
const SECTIONS = ['Walk-through with curl', 'Reading', 'Consent', 'Subscribing', 'Privacy officers', 'Coordination and arrivals', 'The samhandling CLI', 'Operating it'];

// A curl that records the README-script line it was called from and the HTTP status it got.
const PRELUDE = `
curl() {
  local line=\${BASH_LINENO[0]} out
  out=$(command curl -w '\\n%{http_code}' "$@") || { echo "CALL $line failed" >> "$README_CALLS"; return 1; }
  echo "CALL $line \${out##*$'\\n'}" >> "$README_CALLS"
  printf '%s\\n' "\${out%$'\\n'*}"
}
`;

describe('README walk-through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-readme-'));
  let api: RunningApp | undefined;

  afterAll(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('works when pasted, in order, on a fresh data directory', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'data');
    api = RunningApp.start('api', 'dist/apps/api/src/main.js', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: undefined, KAFKA_BROKERS: undefined });
    await waitUntil('the API to serve', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 120_000, [api]);

    const script = readmeScript(readFileSync(join(ROOT, 'README.md'), 'utf8'), SECTIONS, port);
    expect(script.calls.size).toBeGreaterThan(15);
    const files = { prelude: join(dir, 'prelude.sh'), script: join(dir, 'walkthrough.sh'), calls: join(dir, 'calls.log') };
    writeFileSync(files.prelude, PRELUDE);
    writeFileSync(files.script, script.text);
    writeFileSync(files.calls, '');

    const run = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile('bash', ['-e', '-c', 'source "$1"; source "$2"', 'readme', files.prelude, files.script], {
        cwd: ROOT, timeout: 600_000, maxBuffer: 16 * 1024 * 1024,
        env: { ...withoutStores(process.env), DATA_DIR: dataDir, README_CALLS: files.calls },
      }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }));
    });
    const made = readFileSync(files.calls, 'utf8').trim().split('\n').filter(Boolean).map((entry) => {
      const [, line, status] = entry.split(' ');
      return { readme: script.readmeLine[Number(line)], status };
    });

    const context = `script exit ${run.code}; skipped: ${script.skipped.join(' | ')}\n${run.output.slice(-6000)}\n${api.tail()}`;
    expect({ exit: run.code, context: run.code === 0 ? '' : context }).toEqual({ exit: 0, context: '' });
    const wrong = made.flatMap(({ readme, status }) => {
      const call = script.calls.get(readme);
      const ok = call && (call.announced.length ? call.announced.includes(Number(status)) : /^2\d\d$/.test(status));
      return ok ? [] : [`README:${readme} answered ${status}, the README says ${call?.announced.join('/') || '2xx'}: ${call?.command ?? '?'}`];
    });
    expect(wrong).toEqual([]);
    const notRun = [...script.calls.keys()].filter((line) => !made.some((m) => m.readme === line));
    expect(notRun.map((line) => `README:${line} never ran`)).toEqual([]);
  }, 900_000);
});

/** The walk-through is the embedded default's: the suite's PostgreSQL and Kafka settings stay out of it. */
function withoutStores(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...rest } = env;
  return rest;
}
