import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { QueryOptions, SqlClient, SqlExecutor } from './sql-client';

export interface PgliteOptions {
  /** PostgreSQL's page cache inside the WASM heap (PGLITE_SHARED_BUFFERS); a cache only, durability is unchanged. */
  sharedBuffers?: string;
}

/**
 * PostgreSQL's own default of 128MB is sized for a server; in-process, every megabyte of it is
 * resident in the API. 32MB keeps an embedded log of 100k events in cache on a laptop.
 */
export const DEFAULT_SHARED_BUFFERS = '32MB';

/**
 * Creates a new data directory (initdb) in a short-lived child process. PGlite's initdb runs in a
 * WASM instance of its own whose memory this process would keep long after (≈600 MiB RSS on an
 * empty directory); in a child it is returned to the system when the child exits.
 */
async function initDataDirElsewhere(dataDir: string): Promise<void> {
  const pglite = require.resolve('@electric-sql/pglite');
  const script = 'const { PGlite } = require(process.argv[1]); PGlite.create(process.argv[2]).then((db) => db.close()).catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, pglite, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`could not create the PGlite data directory ${dataDir}: ${stderr.trim() || `exit ${code}`}`))));
  });
}

/** Another live process has the data directory open: PGlite admits one process, a second would corrupt it. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`The embedded data directory ${dataDir} is in use by process ${pid} (the API, the CLI or another tool): stop it first. `
      + `If no such process runs, remove ${join(dataDir, LOCK_FILE)}.`);
  }
}

const LOCK_FILE = 'samhandling.lock';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Claims the data directory for this process (a file holding our pid, created exclusively). A file
 * left by a process that has died is taken over; one held by a live process refuses the open.
 */
function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirInUseError(dataDir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded data directory ${dataDir}`);
}

/**
 * PGlite (PostgreSQL compiled to WASM, in-process) behind the SqlClient interface.
 * `dataDir` is a directory on disk (created if missing) or `memory://` for throwaway use.
 */
export class PgliteSqlClient implements SqlClient {
  readonly dialect = 'pglite' as const;

  private constructor(private readonly db: PGlite, private readonly unlock: () => void = () => undefined) {}

  static async open(dataDir: string, options: PgliteOptions = {}): Promise<PgliteSqlClient> {
    const sharedBuffers = options.sharedBuffers ?? DEFAULT_SHARED_BUFFERS;
    if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers)) throw new Error(`shared_buffers must be a size such as 32MB, got ${JSON.stringify(sharedBuffers)}`);
    let unlock: (() => void) | undefined;
    if (!dataDir.includes('://')) {
      mkdirSync(dataDir, { recursive: true });
      unlock = lockDataDir(dataDir);
    }
    try {
      if (unlock && !existsSync(join(dataDir, 'PG_VERSION'))) await initDataDirElsewhere(dataDir);
      const db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] });
      return new PgliteSqlClient(db, unlock);
    } catch (error) {
      unlock?.();
      throw error;
    }
  }

  /** `prepared` is left to PGlite: it runs in this process, with no round trip to save. */
  async query<Row>(sql: string, params: unknown[] = [], _options?: QueryOptions): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  /** Runs a script of several statements, without parameters (a fixture, a dump). */
  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({
        async query<Row>(sql: string, params: unknown[] = []) {
          const result = await tx.query<Row>(sql, params);
          return result.rows;
        },
      }),
    );
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, () => onNotify());
    return () => unlisten();
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.unlock();
    }
  }
}
