import { auditClient } from '../../audit/testing/audit-scenario';
import { refusalOf } from '../../inbox/inbox-consumer';
import { ApiHarness, subjectBody } from '../../testing/api-harness';
import { captureLogs } from '../../testing/capture-logs';
import { StoreOutageMonitor } from './store-outage';
import { until } from '../../follow-up/testing/restartable-api';

describe('a database outage (the embedded store closed under a running API)', () => {
  let api: ApiHarness;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    api = await ApiHarness.start();
    await api.registerSubject();
    logs = captureLogs();
    await api.store.close();
  }, 60_000);
  afterAll(async () => {
    logs?.restore();
    await api?.close();
  });

  it('answers 503 STORE.UNAVAILABLE with Retry-After to writes and reads, and logs it once, without a stack', async () => {
    const officer = auditClient(api, 'oslo-refugee');
    for (let i = 0; i < 10; i++) {
      for (const res of [await api.post('/subjects', subjectBody()), await officer.get('/audit/disclosures')]) {
        expect({ status: res.status, code: res.body.error, retryAfter: res.headers['retry-after'] }).toEqual({ status: 503, code: 'STORE.UNAVAILABLE', retryAfter: '5' });
      }
    }
    expect(logs.lines.filter((l) => l.context === 'Store')).toEqual([
      { level: 'warn', context: 'Store', message: expect.stringMatching(/^Event store unavailable \(Error: PGlite is closed\); answering 503/) },
    ]);
    expect(logs.lines.filter((l) => l.context === 'Errors')).toEqual([]);
  });

  it('is retried by the Kafka inbox, not dead-lettered', () => {
    expect(refusalOf(new Error('PGlite is closed'))).toBeUndefined();
  });
});

describe('StoreOutageMonitor', () => {
  it('logs one line when an outage starts and one when the store answers again, with how many requests it refused', async () => {
    const lines: string[] = [];
    let up = false;
    let probes = 0;
    const store = { readAll: async () => { probes++; if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); return []; } };
    const monitor = new StoreOutageMonitor(store, { warn: (m) => lines.push(`warn ${m}`), log: (m) => lines.push(`log ${m}`) }, 5);
    try {
      for (let i = 0; i < 100; i++) monitor.failed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
      await until(() => probes >= 3, 'three probes of a store that is still away');
      expect(monitor.down).toBe(true);
      up = true;
      await until(() => !monitor.down, 'the monitor to see the store back');
      expect(lines).toEqual([
        'warn Event store unavailable (Error: connect ECONNREFUSED 127.0.0.1:5432); answering 503 until it is back',
        expect.stringMatching(/^log Event store available again after \d+ s; 100 request\(s\) were answered 503$/),
      ]);
    } finally {
      monitor.onApplicationShutdown();
    }
  });
});
