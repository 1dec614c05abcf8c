import type { Provider } from '@nestjs/common';
import type { SqlEventStore } from '@samhandling/event-store';
import { relayLag } from '@samhandling/messaging';
import { Metrics } from '@samhandling/observability';
import { EVENT_STORE } from '../store/store.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const METRICS = Symbol('METRICS');

/** One registry per API process; the store reports its group commits to it. */
export const metricsProviders: Provider[] = [
  {
    provide: METRICS,
    inject: [EVENT_STORE, APP_CONFIG],
    useFactory: (store: SqlEventStore, config: AppConfig) => {
      const metrics = new Metrics({ relayLag: relayLag(store, 'relay', config.relayInProcess ? 1 : config.relayPartitions) });
      store.observeAppends({ committed: (size, seconds) => metrics.appended(size, seconds) });
      return metrics;
    },
  },
];
