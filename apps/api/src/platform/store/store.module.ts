import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type EventStore } from '@samhandling/event-store';
import { SCHEMA_MIGRATIONS } from '@samhandling/schema';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Opens the event store named by the configuration (PostgreSQL or embedded PGlite) once, after migrating its schema. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        openEventStore({
          databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite'), schema: config.schema, pgliteSharedBuffers: config.pgliteSharedBuffers,
          // Migrates the schema first; a schema a newer release wrote stops the start (SchemaTooNewError).
          migrations: SCHEMA_MIGRATIONS, log: (message) => new Logger('Schema').log(message),
        }),
    },
  ],
  exports: [EVENT_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
