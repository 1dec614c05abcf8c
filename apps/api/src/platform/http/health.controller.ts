import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckError, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorFunction, type HealthIndicatorResult } from '@nestjs/terminus';
import type { EventStore, SqlEventStore } from '@samhandling/event-store';
import { pingKafka, relayLag } from '@samhandling/messaging';
import { Public } from '../auth/auth.guard';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE } from '../store/store.module';

/**
 * Liveness and readiness (@nestjs/terminus). Live: the process answers. Ready: the store answers,
 * Kafka answers where it is configured, and an in-process relay is within READY_MAX_RELAY_LAG_EVENTS
 * of the log. None of it says anything about any person.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Store readiness, in the shape earlier releases answered (kept for scripts that poll it). */
  @Public()
  @Get()
  async check(): Promise<{ status: 'ok'; store: 'ok' }> {
    if ((await this.storeUp()).store.status !== 'up') {
      throw new ServiceUnavailableException({ error: 'HEALTH.STORE_UNAVAILABLE', message: 'The event store does not answer' });
    }
    return { status: 'ok', store: 'ok' };
  }

  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  async ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.storeUp()];
    const kafka = this.config.kafka;
    if (kafka) {
      checks.push(async () => {
        const ping = await pingKafka(kafka);
        return ping.ok ? this.indicators.check('kafka').up({ brokers: ping.brokers }) : this.indicators.check('kafka').down({ message: ping.reason });
      });
    }
    if (this.config.relayInProcess) {
      checks.push(async () => {
        const max = this.config.readyMaxRelayLagEvents;
        const { events, seconds } = await relayLag(this.store as SqlEventStore).lag();
        const relay = this.indicators.check('relay');
        return events <= max ? relay.up({ lagEvents: events, lagSeconds: seconds }) : relay.down({ lagEvents: events, lagSeconds: seconds, maxLagEvents: max });
      });
    }
    try {
      return await this.health.check(checks);
    } catch (error) {
      const response = (error as { getResponse?: () => unknown }).getResponse?.();
      const failing = Object.keys((response as { error?: object } | undefined)?.error ?? {});
      throw new ServiceUnavailableException({
        error: 'HEALTH.NOT_READY',
        message: `Not ready: ${failing.join(', ') || (error instanceof HealthCheckError ? error.message : 'a check failed')}`,
        details: response,
      });
    }
  }

  private async storeUp(): Promise<HealthIndicatorResult<'store'>> {
    try {
      await this.store.readAll({ after: 0, limit: 1 });
      return this.indicators.check('store').up();
    } catch {
      return this.indicators.check('store').down({ message: 'The event store does not answer' });
    }
  }
}
