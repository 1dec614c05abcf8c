import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { DataDirInUseError, openEventStore, type SqlEventStore } from '@samhandling/event-store';
import { ProjectionRuntime } from '@samhandling/projections';
import { SCHEMA_MIGRATIONS } from '@samhandling/schema';
import type { AppConfig } from '../platform/config/app-config';
import { API_PROJECTIONS } from '../reads/api-projections';
import { loadCustomProjections } from '../reads/custom/custom-projections';
import { EXIT, UsageError, type CliIo } from './cli-io';

/**
 * `samhandling projections rebuild <name>`: drops one projection's states and checkpoint and folds
 * the whole log into it again, with a progress bar. The schema is migrated first, as the API does
 * (a schema newer than this build is refused). On PostgreSQL it can run beside the API (its
 * runtime notices the reset checkpoint and waits for nothing); the embedded store admits one
 * process, so there the API is stopped first. Custom projections (CUSTOM_PROJECTIONS, as for the
 * API) are rebuilt alike.
 */
export async function rebuildProjection(config: AppConfig, name: string, io: CliIo): Promise<number> {
  const known = [...API_PROJECTIONS, ...(await customProjections(config))];
  const projection = known.find((p) => p.name === name);
  if (!projection) throw new UsageError(`unknown projection ${JSON.stringify(name)}; one of ${known.map((p) => p.name).join(', ')}`);
  let store: SqlEventStore;
  try {
    store = await openEventStore({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite'), schema: config.schema, pgliteSharedBuffers: config.pgliteSharedBuffers, poolSize: 2, migrations: SCHEMA_MIGRATIONS });
  } catch (error) {
    if (error instanceof DataDirInUseError) throw new UsageError(`${error.message} (on the embedded store the API must be stopped for a rebuild)`);
    throw error;
  }
  const bar = new SingleBar({
    stream: io.progress,
    format: `rebuilding ${name} [{bar}] {percentage}% | {value}/{total} events | {duration_formatted}`,
    noTTYOutput: true,
    notTTYSchedule: 2_000,
    hideCursor: true,
  });
  let runtime: ProjectionRuntime | undefined;
  const started = Date.now();
  try {
    const head = await store.headPosition();
    runtime = await ProjectionRuntime.start(store, [projection], { batchSize: 1_000, createTable: false });
    bar.start(head, 0);
    const done = runtime.rebuild(name);
    const current = runtime;
    const tick = setInterval(() => bar.update(Math.min(head, current.checkpoint(name))), 200);
    try {
      await done;
    } finally {
      clearInterval(tick);
    }
    bar.update(head);
    bar.stop();
    io.err(`rebuilt ${name}: ${head} event(s) folded in ${((Date.now() - started) / 1000).toFixed(1)} s; checkpoint ${runtime.checkpoint(name)}\n`);
    return EXIT.ok;
  } finally {
    bar.stop();
    await runtime?.stop();
    await store.close();
  }
}

/** The custom projections the API would fold: a module that does not load or check is a settings error. */
async function customProjections(config: AppConfig) {
  try {
    return (await loadCustomProjections(config.customProjections)).map((c) => c.projection);
  } catch (error) {
    throw new UsageError(`settings: ${(error as Error).message}`);
  }
}
