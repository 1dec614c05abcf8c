import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from '@samhandling/observability';
import { startOpsServer } from './ops-server';

describe('the relay\'s operations port', () => {
  let server: Server;
  let base: string;
  let relayUp = true;
  const metrics = new Metrics({ relayLag: { lag: async () => ({ events: relayUp ? 0 : 42, seconds: relayUp ? 0 : 7.5 }) } });

  beforeAll(async () => {
    server = await startOpsServer({
      host: '127.0.0.1', port: 0, metrics,
      checks: [
        { name: 'store', check: async () => ({ up: true }) },
        { name: 'relay', check: async () => ({ up: relayUp, details: { lagEvents: relayUp ? 0 : 42 } }) },
      ],
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('serves Prometheus metrics with the relay lag and deliveries by basis kind', async () => {
    metrics.delivered([{ agency: 'oslo-refugee', envelope: { basis: ['consent:0b3c9f3e-1c1a-4d0e-9a55-5b8f0a1c2d3e'] } }, { agency: 'oslo-health', envelope: { basis: [] } }]);
    relayUp = false;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('samhandling_relay_lag_events 42');
    expect(text).toContain('samhandling_relay_lag_seconds 7.5');
    expect(text).toContain('samhandling_deliveries_total{agency="oslo-refugee",basis="consent"} 1');
    expect(text).toContain('samhandling_deliveries_total{agency="oslo-health",basis="own"} 1');
    expect(text).not.toContain('0b3c9f3e');
  });

  it('is live always, ready only while every check is up, naming the one that is not', async () => {
    relayUp = true;
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    relayUp = false;
    const behind = await fetch(`${base}/health/ready`);
    expect(behind.status).toBe(503);
    expect(await behind.json()).toMatchObject({ error: 'HEALTH.NOT_READY', message: 'Not ready: relay', info: { store: { status: 'up' }, relay: { status: 'down', lagEvents: 42 } } });
  });

  it('serves nothing else', async () => {
    expect((await fetch(`${base}/feed`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
