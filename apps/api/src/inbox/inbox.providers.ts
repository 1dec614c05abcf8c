import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type PipeTransform, type Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorSummary } from '@samhandling/event-store';
import { createKafka } from '@samhandling/messaging';
import type { CommandResult } from '../platform/commands/handle-command';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { AgencyDirectory } from '@samhandling/config';
import { InboxConsumer, type InboxOutcome } from './inbox-consumer';
import { METRICS } from '../platform/observability/metrics.providers';
import type { Metrics } from '@samhandling/observability';

export const INBOX_VALIDATION = Symbol('INBOX_VALIDATION');

/**
 * The Kafka inbox inside the API process, when KAFKA_BROKERS is set and INBOX_ENABLED is not
 * false. It starts in the background and keeps trying while the broker is away, so the HTTP API
 * serves meanwhile; it stops before the event store closes.
 */
@Injectable()
export class InProcessInbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Inbox');
  private readonly listeners = new Set<(outcome: InboxOutcome) => void>();
  private readonly stopping = new AbortController();
  private consumer?: InboxConsumer;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INBOX_VALIDATION) private readonly validation: PipeTransform,
    private readonly directory: AgencyDirectory,
    private readonly bus: CommandBus,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.listeners.add((outcome) => {
      if (outcome.outcome === 'dead-lettered') metrics.deadLetters.inc({ agency: outcome.agency ?? 'unknown' });
    });
  }

  get enabled(): boolean {
    return Boolean(this.config.kafka && this.config.inbox.enabled);
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.running = this.startUntilRunning();
  }

  /** Resolves once the consumer is subscribed (or at once when the inbox is off). */
  async ready(): Promise<void> {
    await this.running;
  }

  /** Observes every processed message, after its offset is committed (tests, metrics). */
  onOutcome(listener: (outcome: InboxOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.consumer?.stop();
  }

  private async startUntilRunning(): Promise<void> {
    const { kafka, inbox } = this.config;
    const agencies = this.directory.all().map((a) => a.id);
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      const consumer = new InboxConsumer({
        kafka: createKafka(kafka!), agencies, groupId: inbox.groupId, validation: this.validation,
        partitions: inbox.partitions, replicationFactor: inbox.replicationFactor, retry: { maxAttempts: inbox.maxAttempts },
        execute: (message) => this.bus.execute<typeof message, CommandResult>(message),
        logger: this.logger,
        onOutcome: (outcome) => this.listeners.forEach((listener) => listener(outcome)),
      });
      try {
        await consumer.start();
        this.consumer = consumer;
        this.logger.log(`consuming ${agencies.length} inbox topics as group ${inbox.groupId}`);
        return;
      } catch (error) {
        await consumer.stop().catch(() => undefined);
        const delay = Math.min(30_000, 1_000 * attempt);
        this.logger.error(`the inbox did not start (${errorSummary(error)}); again in ${delay} ms`);
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }
}

/** The inbox validates with the HTTP API's own ValidationPipe instance, handed in by the module. */
export const inboxProviders = (validation: PipeTransform): Provider[] => [{ provide: INBOX_VALIDATION, useValue: validation }, InProcessInbox];
