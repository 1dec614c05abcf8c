import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type EventStore, type SqlEventStore } from '@samhandling/event-store';
import { PersonalDataCodec, SqlKeyStore } from '@samhandling/privacy';
import { SCHEMA_MIGRATIONS } from '@samhandling/schema';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const EVENT_STORE = Symbol('EVENT_STORE');
/** The personal-data codec (libs/privacy): seals personal fields on append, reveals them in responses. */
export const PERSONAL_DATA = Symbol('PERSONAL_DATA');

const codecs = new WeakMap<SqlEventStore, PersonalDataCodec>();

/**
 * Every append of the store seals personal fields with the person's key (issue 16), from the moment
 * it is opened, before anything can append; the codec opens them on the way out.
 */
export function withPersonalData(store: SqlEventStore): SqlEventStore {
  const codec = new PersonalDataCodec(new SqlKeyStore(store.sqlClient, store.schemaName), async (streamId) => {
    const [first] = await store.readStream(streamId, { limit: 1 });
    return typeof first?.data.subjectId === 'string' ? first.data.subjectId : undefined;
  });
  store.encodeWith(codec);
  codecs.set(store, codec);
  return store;
}

/** Opens the event store named by the configuration (PostgreSQL or embedded PGlite) once, after migrating its schema. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => withPersonalData(await openEventStore({
          databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite'), schema: config.schema, pgliteSharedBuffers: config.pgliteSharedBuffers,
          // Migrates the schema first; a schema a newer release wrote stops the start (SchemaTooNewError).
          migrations: SCHEMA_MIGRATIONS, log: (message) => new Logger('Schema').log(message),
        })),
    },
    { provide: PERSONAL_DATA, inject: [EVENT_STORE], useFactory: (store: SqlEventStore) => codecs.get(store)! },
  ],
  exports: [EVENT_STORE, PERSONAL_DATA],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
