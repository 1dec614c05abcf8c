import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Metrics } from '@samhandling/observability';
import { Public } from '../auth/auth.guard';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { METRICS } from './metrics.providers';

/**
 * Prometheus scrape endpoint. The figures name routes, agencies, bases and codes — never a person —
 * so it needs no agency token; METRICS_TOKEN, when set, is required as a bearer token.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() req: Request): Promise<string> {
    const expected = this.config.metricsToken;
    if (expected) {
      const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      const want = Buffer.from(expected);
      if (given.length !== want.length || !timingSafeEqual(given, want)) {
        throw new UnauthorizedException({ error: 'AUTH.METRICS_TOKEN', message: 'GET /metrics needs the METRICS_TOKEN as a bearer token' });
      }
    }
    return this.metrics.registry.metrics();
  }
}
