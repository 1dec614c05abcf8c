import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, waitUntil } from './support/apps';

/**
 * What a newcomer does from a clone: `npm start` with a DATA_DIR of their own, the `samhandling`
 * CLI with the same DATA_DIR, and Ctrl-C / kill of npm to stop. dist/ is built by the e2e setup:
 * neither npm start nor the CLI may build again.
 */
describe('npm start and the samhandling CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samhandling-start-'));
  const dataDir = join(dir, 'data');
  const stamp = join(ROOT, 'dist', '.build-stamp');
  let npm: ChildProcess | undefined;
  let output = '';
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', KAFKA_BROKERS: '', LOG_LEVEL: 'warn' };

  afterAll(() => {
    if (npm && npm.exitCode === null) npm.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const samhandling = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bin', 'samhandling.js'), ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });

  it('serves, takes the CLI\'s tokens for the same DATA_DIR without rebuilding, and stops when npm is stopped', async () => {
    const builtAt = statSync(stamp).mtimeMs;
    const port = await freePort();
    npm = spawn('npm', ['start'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    npm.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
    npm.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    const base = `http://127.0.0.1:${port}`;
    await waitUntil('npm start to serve', async () => ((await fetch(`${base}/health`).catch(() => undefined))?.ok ? true : undefined), 120_000);

    const token = await samhandling(['token', 'oslo-refugee', 'kari.nordmann']);
    expect({ code: token.code, stderr: token.stderr }).toEqual({ code: 0, stderr: '' });
    const answer = await fetch(`${base}/consents/pending`, { headers: { Authorization: `Bearer ${token.stdout.trim()}` } });
    expect(answer.status).toBe(200);

    const officer = await samhandling(['token', 'oslo-health', 'anne', '--roles', 'privacy-officer']);
    const verify = await samhandling(['audit', 'verify', '--url', base, '--token', officer.stdout.trim()]);
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: disclosure chain intact/) });

    expect(output).not.toContain('building');
    expect(statSync(stamp).mtimeMs).toBe(builtAt);

    // Stopping npm (what Ctrl-C or `kill %1` does) stops the server with it.
    const exited = new Promise<number | null>((resolve) => npm!.once('exit', resolve));
    npm.kill('SIGTERM');
    await exited;
    await waitUntil('the server to stop answering', async () => ((await fetch(`${base}/health`).then(() => false, () => true)) ? true : undefined), 15_000);
  }, 180_000);
});
