import type { Provider } from '@nestjs/common';
import { AuditTrail, DisclosureLog } from '@samhandling/audit';
import type { SqlEventStore } from '@samhandling/event-store';
import { EVENT_STORE } from '../platform/store/store.module';
import { AuditService } from './audit.service';

export const auditProviders: Provider[] = [
  {
    provide: AuditTrail,
    // After the disclosure log: the officers' notes refer to its table.
    inject: [EVENT_STORE, DisclosureLog],
    useFactory: (store: SqlEventStore) => AuditTrail.attach(store.sqlClient, store.schemaName),
  },
  AuditService,
];
