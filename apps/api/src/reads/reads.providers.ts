import { Inject, Injectable, type OnModuleDestroy, type Provider } from '@nestjs/common';
import { DisclosureLog } from '@samhandling/audit';
import type { SqlEventStore } from '@samhandling/event-store';
import { loadCatalog, LegalBasisCatalog } from '@samhandling/policy';
import { ProjectionSet, ReferralBoardQueries } from '@samhandling/projections';
import { API_PROJECTION_LANES } from './api-projections';
import { CUSTOM_DEFINITIONS, CustomProjections, type LoadedCustomProjection } from './custom/custom-projections';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { EVENT_STORE } from '../platform/store/store.module';
import { PROJECTIONS } from '../platform/store/projections.token';

export { PROJECTIONS };

/** The read side lives next to the store: projections, the catalog, the disclosure log. */
export const readProviders: Provider[] = [
  {
    provide: PROJECTIONS,
    inject: [EVENT_STORE],
    useFactory: (store: SqlEventStore) => ProjectionSet.start(store, API_PROJECTION_LANES, { createTable: false }),
  },
  {
    // Its indexes are migration 007's (the store module migrated the schema before anything started).
    provide: ReferralBoardQueries,
    inject: [EVENT_STORE],
    useFactory: (store: SqlEventStore) => new ReferralBoardQueries(store.sqlClient, store.schemaName),
  },
  {
    provide: CustomProjections,
    inject: [EVENT_STORE, CUSTOM_DEFINITIONS],
    useFactory: (store: SqlEventStore, loaded: LoadedCustomProjection[]) => CustomProjections.start(store, loaded),
  },
  {
    provide: LegalBasisCatalog,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => loadCatalog(config.catalogDir, { enabled: config.enabledBases }),
  },
  {
    provide: DisclosureLog,
    inject: [EVENT_STORE],
    useFactory: (store: SqlEventStore) => DisclosureLog.attach(store.sqlClient, store.schemaName),
  },
];

/** Stops the projection runtimes before the store closes (module-destroy hooks all run before application-shutdown hooks). */
@Injectable()
export class ProjectionsShutdown implements OnModuleDestroy {
  constructor(@Inject(PROJECTIONS) private readonly runtime: ProjectionSet, private readonly customs: CustomProjections) {}

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.runtime.stop(), this.customs.stop()]);
  }
}
