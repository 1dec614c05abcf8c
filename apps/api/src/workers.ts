import cluster, { type Worker } from 'node:cluster';
import type { AppConfig } from './platform/config/app-config';
import { ensureLocalKeyPair } from './platform/auth/local-keys';

/** How long workers get to finish their requests after SIGTERM before they are killed. */
const STOP_GRACE_MS = 25_000;

/**
 * API_WORKERS=N: N API processes share the port (node:cluster; the primary hands each connection
 * to one of them in turn), so one API uses N cores. Each worker is a whole API: its own pool,
 * projections and scheduler, all of which already run safely as several instances on one
 * PostgreSQL database (commits of one projection take turns, the scheduler escalates once, the
 * inbox's consumers share a group). The embedded store belongs to one process, so there it is
 * refused. A worker that dies after it served is replaced; one that cannot start (a schema too
 * new, a bad setting) stops them all, since the next would fail alike.
 */
export async function runWorkers(config: AppConfig, log: { info(message: string): void; warn(message: string): void }): Promise<void> {
  if (!config.databaseUrl) throw new Error(`API_WORKERS=${config.workers} needs PostgreSQL (DATABASE_URL): the embedded store admits one process`);
  // The local signing key, made once here rather than raced for by the workers.
  if (!config.jwtPublicKeyFile && !config.token.jwksUrl) await ensureLocalKeyPair(config.dataDir);
  const served = new WeakSet<Worker>();
  let stopping = false;
  let failed = false;
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    failed = code !== 0;
    for (const worker of alive()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of alive()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_GRACE_MS).unref();
    if (alive().length === 0) process.exit(code);
  };
  cluster.on('listening', (worker) => served.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (alive().length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!served.has(worker)) {
      log.warn(`an API worker exited before it served (${signal ?? `code ${code}`}); stopping`);
      return stop(1);
    }
    log.warn(`API worker ${worker.process.pid} ended (${signal ?? `code ${code}`}); starting another`);
    setTimeout(() => !stopping && cluster.fork(), 500);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(0));
  for (let i = 0; i < config.workers; i++) cluster.fork();
  log.info(`API on http://${config.host}:${config.port} with ${config.workers} worker processes (API_WORKERS)`);
}
