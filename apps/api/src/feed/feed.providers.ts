import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type Provider } from '@nestjs/common';
import { DisclosureLog } from '@samhandling/audit';
import { errorSummary, type SqlEventStore } from '@samhandling/event-store';
import { FeedStore, PgRelayLock, Relay, RelayPolicyStore } from '@samhandling/messaging';
import { loadCatalog } from '@samhandling/policy';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { AgencyDirectory } from '@samhandling/config';
import { EVENT_STORE } from '../platform/store/store.module';
import { METRICS } from '../platform/observability/metrics.providers';
import type { Metrics } from '@samhandling/observability';

export const FEED_STORE = Symbol('FEED_STORE');

/** The relay inside the API process: starts once the app is up, stops before the store closes. */
@Injectable()
export class InProcessRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Relay');
  private relay?: Relay;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: SqlEventStore,
    @Inject(FEED_STORE) private readonly feed: FeedStore,
    private readonly directory: AgencyDirectory,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.relayInProcess) return;
    const { config, store } = this;
    const log = (message: string) => this.logger.log(message);
    const lock = config.databaseUrl
      ? new PgRelayLock({ connectionString: config.databaseUrl, name: `samhandling-relay:${config.schema}`, log, onLost: (e) => this.lost(e) })
      : undefined;
    this.relay = new Relay({
      store, feed: this.feed, agencies: this.directory.all(), lock, log,
      catalog: loadCatalog(config.catalogDir, { enabled: config.enabledBases }),
      disclosureLog: DisclosureLog.attach(store.sqlClient, store.schemaName),
      policyState: RelayPolicyStore.attach(store.sqlClient, store.schemaName),
      onBatch: (plan) => this.metrics.delivered(plan.deliveries),
    });
    // A standby waits for the lock in the background; the API serves meanwhile.
    void this.relay.start().catch((e) => this.logger.error(`the in-process relay did not start: ${errorSummary(e)}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
  }

  private lost(error: Error): void {
    this.logger.error(`lost the relay lock (${errorSummary(error)}); stopping the in-process relay`);
    void this.relay?.stop();
  }
}

export const feedProviders: Provider[] = [
  {
    provide: FEED_STORE,
    inject: [EVENT_STORE],
    useFactory: (store: SqlEventStore) => FeedStore.attach(store.sqlClient, store.schemaName),
  },
  InProcessRelay,
];
