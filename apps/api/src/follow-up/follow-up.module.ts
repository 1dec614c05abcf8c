import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { SqlEventStore } from '@samhandling/event-store';
import { ReferralDeadlineQueries, type ProjectionSet } from '@samhandling/projections';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { PROJECTIONS } from '../reads/reads.providers';
import { EVENT_STORE } from '../platform/store/store.module';
import { METRICS } from '../platform/observability/metrics.providers';
import type { Metrics } from '@samhandling/observability';
import { DeadlineScheduler } from './deadline-scheduler';

/** The scheduler's clock; a test module may provide another. */
export const SCHEDULER_CLOCK = Symbol('SCHEDULER_CLOCK');

/** Runs the deadline scheduler inside the API once the app is up; stops it before the projections and the store. */
@Injectable()
export class DeadlineSchedulerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeadlineScheduler');
  scheduler?: DeadlineScheduler;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: SqlEventStore,
    @Inject(PROJECTIONS) private readonly runtime: ProjectionSet,
    @Inject(SCHEDULER_CLOCK) private readonly clock: () => Date,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, intervalMs, escalateToCoordinator } = this.config.scheduler;
    if (!enabled) return;
    // Its index is migration 003's (the store module migrated the schema before anything started).
    const queries = new ReferralDeadlineQueries(this.store.sqlClient, this.store.schemaName);
    this.scheduler = new DeadlineScheduler(this.store, this.runtime, queries, { intervalMs, escalateToCoordinator, clock: this.clock, log: this.logger,
      onTick: (outcome) => this.metrics.escalations.inc(outcome.escalated) });
    this.scheduler.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.scheduler?.stop();
  }
}

/** Referral follow-up: escalates deadlines that pass unmet (issue 6). */
@Module({
  providers: [{ provide: SCHEDULER_CLOCK, useValue: () => new Date() }, DeadlineSchedulerHost],
})
export class FollowUpModule {}
