import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureLocalKeyPair, mintToken } from '../../../apps/api/src/platform/auth/local-keys';

export const ROOT = join(__dirname, '..', '..', '..');

/**
 * The built apps (dist/, built once by the e2e project's global setup) run as real child
 * processes, configured only through the environment, as an operator would run them.
 */
export class RunningApp {
  private output = '';
  private exited?: number | null;

  constructor(readonly name: string, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code) => {
      this.exited = code;
    });
  }

  static start(name: string, script: string, env: Record<string, string | undefined>): RunningApp {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, TS_NODE_BASEURL: './dist', ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', script], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    return new RunningApp(name, child);
  }

  /** The last lines it wrote, for a failing test's message. */
  tail(): string {
    return `--- ${this.name} (exit ${this.exited ?? 'running'}) ---\n${this.output.split('\n').slice(-40).join('\n')}`;
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
    if (timedOut) this.child.kill('SIGKILL');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, apps: RunningApp[] = []): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    const dead = apps.find((a) => !a.running);
    if (dead || Date.now() > deadline) {
      throw new Error(`${dead ? `${dead.name} exited` : 'timed out'} waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${apps.map((a) => a.tail()).join('\n')}`);
    }
    await sleep(200);
  }
}

interface DirectoryEntry {
  id: string;
  kind: string;
  municipality: string | null;
  name: string;
}

/** A private installation: its own data directory, signing key and agency directory (ids prefixed, so its topics are its own). */
export class Installation {
  readonly dir = mkdtempSync(join(tmpdir(), 'samhandling-e2e-'));
  readonly directoryFile = join(this.dir, 'agencies.json');
  readonly dataDir = join(this.dir, 'data');
  readonly agencies: DirectoryEntry[];

  constructor(readonly prefix: string) {
    const real = JSON.parse(readFileSync(join(ROOT, 'config', 'agencies.json'), 'utf8')) as DirectoryEntry[];
    this.agencies = real.map((a) => ({ ...a, id: this.id(a.id) }));
    writeFileSync(this.directoryFile, JSON.stringify(this.agencies, null, 2));
  }

  id(name: string): string {
    return `${this.prefix}-${name}`;
  }

  name(id: string): string {
    return id.slice(this.prefix.length + 1);
  }

  async token(agency: string, roles?: string[]): Promise<string> {
    const keys = await ensureLocalKeyPair(this.dataDir);
    return mintToken(keys.privateJwk, { agency: this.id(agency), actor: `${roles ? 'officer' : 'caseworker'}@${agency}`, ...(roles ? { roles } : {}) }, {
      issuer: 'samhandling-local', audience: 'samhandling-api',
    });
  }

  /** The environment every app of this installation shares. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { DATA_DIR: this.dataDir, AGENCY_DIRECTORY: this.directoryFile, LOG_LEVEL: 'warn', ...extra };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A small HTTP client for one API, authenticating as an agency of the installation. */
export class Client {
  constructor(private readonly base: string, private readonly installation: Installation) {}

  async request(method: string, path: string, as: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const roles = as.startsWith('officer:') ? ['privacy-officer'] : undefined;
    const agency = roles ? as.slice('officer:'.length) : as;
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.installation.token(agency, roles)}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text
    }
    return { status: res.status, body: parsed };
  }

  /** A command that must succeed. */
  async command(path: string, as: string, body: unknown): Promise<any> {
    const res = await this.request('POST', path, as, body);
    if (res.status !== 201) throw new Error(`POST ${path} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  get(path: string, as: string): Promise<{ status: number; body: any }> {
    return this.request('GET', path, as);
  }
}
