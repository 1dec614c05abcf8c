import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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

/**
 * PGlite (PostgreSQL compiled to WASM, in-process) behind the SqlClient interface.
 * `dataDir` is a directory on disk (created if missing) or `memory://` for throwaway use.
 */
export class PgliteSqlClient implements SqlClient {
  readonly dialect = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir: string, options: PgliteOptions = {}): Promise<PgliteSqlClient> {
    if (!dataDir.includes('://')) {
      mkdirSync(dataDir, { recursive: true });
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initDataDirElsewhere(dataDir);
    }
    const sharedBuffers = options.sharedBuffers ?? DEFAULT_SHARED_BUFFERS;
    if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers)) throw new Error(`shared_buffers must be a size such as 32MB, got ${JSON.stringify(sharedBuffers)}`);
    const db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] });
    return new PgliteSqlClient(db);
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
    if (!this.db.closed) await this.db.close();
  }
}
