import { AuthenticationError, ForbiddenError, InvalidRequestError } from '../client/errors';
import { FeedClient } from '../client/feed-client';
import { pause } from '../client/http';
import { errorSummary, inSchema, type ConsumerSql } from '../sql';
import { applyFeedPage } from './apply-messages';
import { FEED_TOPIC, type ConsumerTables } from './consumer-tables';
import type { FeedSource, ProjectionConsumer, ProjectionConsumerOptions } from './projection-consumer.types';
import { RunnerBase } from './runner-base';

/** How long a consumer without long polling (waitSeconds: 0) waits before asking again for what is new. */
const IDLE_MS = 1_000;

/** Answers that waiting will not change: a token the backbone refuses, a request it calls invalid. */
const fatal = (error: unknown) => error instanceof AuthenticationError || error instanceof ForbiddenError || error instanceof InvalidRequestError;

/**
 * The feed consumer: long-polls `GET /feed` after the cursor stored with the projection, applies
 * each page in one transaction (cursor, dedupe records and rows together) and reads on. An outage
 * of the backbone (refused connections, 503, 429) is waited out with backoff; a refused token stops it.
 */
export class FeedRunner extends RunnerBase implements ProjectionConsumer {
  readonly topic = FEED_TOPIC;
  readonly groupId: string;
  private readonly feed: FeedClient;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  private readonly source: FeedSource;

  constructor(options: ProjectionConsumerOptions, source: FeedSource, sql: ConsumerSql, tables: ConsumerTables) {
    super(options, sql, tables);
    this.groupId = options.projection.name;
    this.feed = new FeedClient(source);
    this.source = { ...source, waitSeconds: source.waitSeconds ?? 20 };
  }

  /** Reads the first page before it returns, so a wrong URL or token fails the start. */
  async start(): Promise<void> {
    const first = await this.feed.read(await this.cursor(), { limit: this.source.pageSize, signal: this.abort.signal });
    this.loop = this.run(first.events.length > 0 ? first : undefined);
  }

  private cursor = async () => (await this.tables.positions(this.sql, this.options.projection.name, FEED_TOPIC)).get(0) ?? 0;

  private async run(pending?: Awaited<ReturnType<FeedClient['read']>>): Promise<void> {
    const { projection } = this.options;
    for (let outage = 1_000; !this.stopping && this.failure === undefined;) {
      try {
        const page = pending ?? await this.feed.read(await this.cursor(), { limit: this.source.pageSize, waitSeconds: this.source.waitSeconds, signal: this.abort.signal });
        pending = undefined;
        outage = 1_000;
        if (this.stopping) return;
        // Nothing new: the long poll has waited already; without one, pause rather than spin.
        if (page.events.length === 0) {
          if (!this.source.waitSeconds) await pause(IDLE_MS, this.abort.signal);
          continue;
        }
        const outcome = await this.withRetries(() => inSchema(this.sql, this.tables.schema, (tx) => applyFeedPage(tx, this.tables, projection, page)), () => true);
        if (outcome) this.count(outcome);
      } catch (error) {
        if (this.stopping) return;
        if (fatal(error)) return this.fail(error);
        this.log(`feed unavailable (${errorSummary(error)}); reading again in ${outage} ms`);
        await pause(outage, this.abort.signal);
        outage = Math.min(outage * 2, 30_000);
      }
    }
  }

  protected async close(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.close();
    this.resolveDone();
    await this.done.catch(() => undefined);
  }
}
