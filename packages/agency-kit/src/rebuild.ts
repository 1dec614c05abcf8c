import { FeedClient, type FeedPage } from './client/feed-client';
import type { HttpOptions } from './client/http';
import { applyFeedPage, type TopicProjection } from './consumer/apply-messages';
import { ConsumerTables, FEED_TOPIC } from './consumer/consumer-tables';
import { PROJECTION_NAME, setUp } from './consumer/projection-consumer';
import { progressReporter, type RebuildProgress } from './progress';
import { asConsumerSql, checkSchemaName, type ConsumerSql, type PoolLike, type SqlExecutor } from './sql';

export type { RebuildProgress } from './progress';

export interface RebuildOptions {
  /** The backbone's feed, read from 0: the agency's whole entitled history, whatever Kafka retention says. */
  feed: HttpOptions & { pageSize?: number };
  sql: ConsumerSql | PoolLike;
  projection: TopicProjection;
  /** The projection's own schema (not `public`): the rebuild replaces it whole. */
  schema: string;
  /**
   * `true` draws a progress bar on stderr (the default when stderr is a terminal; elsewhere a line
   * every few seconds); a function gets each step instead; `false` says nothing.
   */
  progress?: boolean | ((progress: RebuildProgress) => void);
  /** Throw away what an interrupted rebuild left in the fresh schema instead of resuming it. */
  fresh?: boolean;
  log?(line: string): void;
}

export interface RebuildResult {
  applied: number;
  duplicates: number;
  rejected: number;
  /** The feed cursor the rebuilt projection stands at; a feed consumer reads on from it. */
  cursor: number;
  /** True when it carried on from where an interrupted rebuild stopped. */
  resumed: boolean;
}

/**
 * Rebuilds a projection from zero, blue/green: replays the agency's feed from the beginning into a
 * fresh schema `<schema>_next` (paged; an interrupted rebuild resumes from its cursor), then in one
 * transaction catches up the last pages, carries over the live consumer's Kafka offsets (every event
 * on the topic is in the feed first, so the fresh tables hold all of them) and swaps the schemas.
 * Readers see the old tables or the new ones, never a half-built projection. A consumer that keeps
 * running meanwhile waits for the swap and carries on in the new tables.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { projection } = options;
  if (!PROJECTION_NAME.test(projection?.name ?? '')) throw new Error('A projection name is 1-100 of [A-Za-z0-9._-]');
  const live = checkSchemaName(options.schema);
  if (live === 'public') throw new Error('rebuildProjection replaces the projection\'s schema whole: give the projection a schema of its own, not public');
  const next = checkSchemaName(`${live}_next`);
  const sql = asConsumerSql(options.sql);
  const log = options.log ?? ((line: string) => process.stderr.write(`[rebuild ${projection.name}] ${line}\n`));
  const fresh = new ConsumerTables(next);
  const current = new ConsumerTables(live);
  await refuseShared(sql, current, projection.name);
  if (options.fresh) await sql.query(`DROP SCHEMA IF EXISTS ${next} CASCADE`);
  await setUp(sql, fresh, options);
  const feed = new FeedClient(options.feed);
  const cursor = async (tx: SqlExecutor = sql) => (await fresh.positions(tx, projection.name, FEED_TOPIC)).get(0) ?? 0;
  const start = await cursor();
  if (start > 0) log(`resuming an interrupted rebuild at feed cursor ${start} (fresh: true starts over)`);
  const report = progressReporter(options.progress, start);
  const result: RebuildResult = { applied: 0, duplicates: 0, rejected: 0, cursor: start, resumed: start > 0 };
  const apply = async (tx: SqlExecutor, page: FeedPage) => {
    await tx.query(`SET LOCAL search_path TO ${next}, public`);
    const outcome = await applyFeedPage(tx, fresh, projection, page);
    if (!outcome) return;
    result.applied += outcome.applied;
    result.duplicates += outcome.duplicates;
    result.rejected += outcome.rejected.length;
    result.cursor = page.nextCursor;
  };
  try {
    // Page by page, each in a transaction of its own: a crash loses at most the page in hand.
    for (;;) {
      const page = await feed.read(await cursor(), { limit: options.feed.pageSize ?? 500 });
      if (page.events.length === 0) break;
      await sql.transaction((tx) => apply(tx, page));
      report({ cursor: page.nextCursor, head: page.head, applied: result.applied });
    }
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('samhandling-consumer-setup'))`);
      const liveExists = (await tx.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [live])).length > 0;
      // A running consumer's next batch waits here, and after the commit finds the new tables under the old name.
      if (liveExists) await tx.query(`LOCK TABLE ${current.offsets} IN ACCESS EXCLUSIVE MODE`);
      for (let page = await feed.read(await cursor(tx), { limit: 500 }); page.events.length > 0; page = await feed.read(await cursor(tx), { limit: 500 })) {
        await apply(tx, page);
      }
      if (liveExists) {
        await fresh.copyKafkaPositions(tx, current, projection.name);
        await tx.query(`ALTER SCHEMA ${live} RENAME TO ${checkSchemaName(`${live}_old`)}`);
      }
      await tx.query(`ALTER SCHEMA ${next} RENAME TO ${live}`);
      if (liveExists) await tx.query(`DROP SCHEMA ${live}_old CASCADE`);
    });
    report({ cursor: result.cursor, head: result.cursor, applied: result.applied }, true);
  } catch (error) {
    report(undefined, true);
    throw error;
  }
  log(`rebuilt ${live} from the feed: ${result.applied} events applied, cursor ${result.cursor}`);
  return result;
}

/** The swap replaces the schema whole, so it must hold this projection's tables only. */
async function refuseShared(sql: ConsumerSql, tables: ConsumerTables, name: string): Promise<void> {
  const exists = await sql.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'samhandling_consumer_offsets'`, [tables.schema]);
  if (exists.length === 0) return;
  const others = await sql.query<{ consumer: string }>(`SELECT DISTINCT consumer FROM ${tables.offsets} WHERE consumer <> $1`, [name]);
  if (others.length > 0) {
    throw new Error(`Schema ${tables.schema} also holds the consumers ${others.map((o) => o.consumer).join(', ')}: a rebuild swaps the whole schema, so give each projection a schema of its own`);
  }
}
