import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { AuthGuard } from './platform/auth/auth.guard';
import { TokenVerifier } from './platform/auth/token-verifier';
import { ConsentCommandHandler, ContactCommandHandler, ReferralCommandHandler, ReReferralHandler, SubjectCommandHandler } from './platform/commands/command.handlers';
import { APP_CONFIG, type AppConfig } from './platform/config/app-config';
import { RevealInterceptor } from './platform/http/reveal.interceptor';
import { AgencyDirectory } from '@samhandling/config';
import { WriterCheck } from './platform/commands/writer-check';
import { ConsentsController } from './consents/consents.controller';
import { PendingConsents } from './consents/pending-consents';
import { ErrorFilter } from './platform/http/error.filter';
import { HealthController } from './platform/http/health.controller';
import { SafeValidationPipe } from './platform/http/validation.pipe';
import { NoBodyInterceptor } from './platform/http/no-body.interceptor';
import { StoreOutageMonitor } from './platform/http/store-outage';
import { StoreModule } from './platform/store/store.module';
import { COMMANDS } from './command-catalog';
import { commandController } from './platform/http/command-routes';
import { ReadsController } from './reads/reads.controller';
import { ReadService } from './reads/read.service';
import { CustomReadService } from './reads/custom/custom-read.service';
import { CUSTOM_DEFINITIONS, type LoadedCustomProjection } from './reads/custom/custom-projections';
import { PROJECTIONS, ProjectionsShutdown, readProviders } from './reads/reads.providers';
import { AuditController } from './audit/audit.controller';
import { auditProviders } from './audit/audit.providers';
import { FeedModule } from './feed/feed.module';
import { inboxProviders } from './inbox/inbox.providers';
import { FollowUpModule } from './follow-up/follow-up.module';
import { AgencyRateLimitGuard, rateLimitModule } from './platform/http/rate-limit';
import { MetricsController } from './platform/observability/metrics.controller';
import { METRICS, metricsProviders } from './platform/observability/metrics.providers';
import { loggingModule, type LogOptions } from './platform/observability/logging';

/** Unknown fields are refused, not dropped: a typo in a field name must not pass silently. */
export const validationPipe = new SafeValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

/** One controller per OpenAPI tag, its routes made from the command declarations. */
const commandControllers = () => [...new Set(COMMANDS.map((c) => c.tag))].map((t) => commandController(t, COMMANDS.filter((c) => c.tag === t)));

@Module({})
export class AppModule {
  /** `log` false: no log lines at all (tests). */
  /** `customProjections`: the CUSTOM_PROJECTIONS modules, loaded and checked (bootstrap.ts). */
  static forRoot(config: AppConfig, log: LogOptions | false = { level: config.logLevel }, customProjections: readonly LoadedCustomProjection[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [...(log ? [loggingModule(log)] : []), CqrsModule.forRoot(), TerminusModule.forRoot({ logger: false }), StoreModule, FeedModule, FollowUpModule, rateLimitModule(config.http)],
      controllers: [HealthController, MetricsController, ...commandControllers(), ConsentsController, ReadsController, AuditController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CUSTOM_DEFINITIONS, useValue: customProjections },
        ...metricsProviders,
        { provide: AgencyDirectory, useFactory: () => AgencyDirectory.fromFile(config.agencyDirectoryFile) },
        { provide: TokenVerifier, inject: [AgencyDirectory], useFactory: (d: AgencyDirectory) => TokenVerifier.create(config, d) },
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard: the budget is the authenticated agency's.
        { provide: APP_GUARD, useClass: AgencyRateLimitGuard },
        { provide: APP_PIPE, useValue: validationPipe },
        { provide: APP_FILTER, useClass: ErrorFilter },
        WriterCheck, PendingConsents, StoreOutageMonitor, { provide: APP_INTERCEPTOR, useClass: NoBodyInterceptor }, { provide: APP_INTERCEPTOR, useClass: RevealInterceptor },
        SubjectCommandHandler, ContactCommandHandler, ConsentCommandHandler, ReferralCommandHandler, ReReferralHandler,
        ...readProviders, ProjectionsShutdown, ReadService, CustomReadService,
        ...auditProviders,
        ...inboxProviders(validationPipe),
      ],
      exports: [APP_CONFIG, AgencyDirectory, PROJECTIONS, METRICS],
      global: true,
    };
  }
}
