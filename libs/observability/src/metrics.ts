import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where the relay stands: the log head and the relay's checkpoint, and when the first undelivered event was recorded. */
export interface RelayLagSource {
  lag(): Promise<{ events: number; seconds: number }>;
}

/**
 * The platform's Prometheus metrics, one registry per process (API or relay). Labels never carry a
 * person, a free text or an unbounded id: routes are patterns, bases are catalog ids or a kind.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly commandOutcomes = new Counter({
    name: 'samhandling_command_outcomes_total',
    help: 'Commands by route and outcome: ok, replayed, or the error code answered',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'samhandling_append_duration_seconds',
    help: 'Duration of one group commit to the event log',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly appendGroupSize = new Histogram({
    name: 'samhandling_append_group_size',
    help: 'Appends carried by one group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'samhandling_deliveries_total',
    help: 'Events the relay delivered, by recipient agency and basis',
    labelNames: ['agency', 'basis'] as const,
    registers: [this.registry],
  });

  readonly denials = new Counter({
    name: 'samhandling_denials_total',
    help: 'Reads refused by the policy, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'samhandling_dead_letters_total',
    help: 'Inbox messages given up on and dead-lettered, by agency',
    labelNames: ['agency'] as const,
    registers: [this.registry],
  });

  readonly escalations = new Counter({
    name: 'samhandling_scheduler_escalations_total',
    help: 'Referral deadlines the scheduler escalated',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean; relayLag?: RelayLagSource } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const lag = options.relayLag;
    if (lag) {
      // Read at scrape time from the store itself: true for a relay in this process or another.
      let latest: Promise<{ events: number; seconds: number }> | undefined;
      const read = () => (latest ??= lag.lag().finally(() => { latest = undefined; }));
      new Gauge({
        name: 'samhandling_relay_lag_events', help: 'Events in the log the relay has not yet delivered', registers: [this.registry],
        async collect() { this.set((await read()).events); },
      });
      new Gauge({
        name: 'samhandling_relay_lag_seconds', help: 'Age of the oldest event the relay has not yet delivered (0 when caught up)', registers: [this.registry],
        async collect() { this.set((await read()).seconds); },
      });
    }
  }

  /** A group commit of the event store (SqlEventStore.observeAppends). */
  appended(groupSize: number, seconds: number): void {
    this.appendGroupSize.observe(groupSize);
    this.appendDuration.observe(seconds);
  }

  /** A relay batch's deliveries (Relay onBatch). */
  delivered(deliveries: ReadonlyArray<{ agency: string; envelope: { basis?: readonly string[] } }>): void {
    for (const d of deliveries) {
      const bases = d.envelope.basis?.length ? d.envelope.basis : ['own'];
      for (const basis of bases) this.deliveries.inc({ agency: d.agency, basis: basisLabel(basis) });
    }
  }
}

/** `consent:<id>` and `referral:<id>` become their kind: an id per label value would be unbounded. */
export const basisLabel = (basis: string): string => {
  const colon = basis.indexOf(':');
  return colon < 0 ? basis : basis.slice(0, colon);
};
