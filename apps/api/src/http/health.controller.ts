import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@samhandling/event-store';
import { Public } from '../auth/auth.guard';
import { EVENT_STORE } from '../store/store.module';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Liveness and store readiness; says nothing about any person. */
  @Public()
  @Get()
  async health(): Promise<{ status: 'ok'; store: 'ok' }> {
    try {
      await this.store.readAll({ after: 0, limit: 1 });
    } catch {
      throw new ServiceUnavailableException({ error: 'HEALTH.STORE_UNAVAILABLE', message: 'The event store does not answer' });
    }
    return { status: 'ok', store: 'ok' };
  }
}
