import { randomUUID } from 'node:crypto';
import type { SqlEventStore } from '@samhandling/event-store';
import { ApiHarness, consentBody, contactBody } from '../../testing/api-harness';

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

describe('metrics and health (API on PGlite with the in-process relay)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start({ relayInProcess: true });
  }, 60_000);
  afterAll(() => api?.close());

  it('counts requests by route pattern, commands by outcome, appends, deliveries by basis, denials by reason — and names no one', async () => {
    const subjectId = await api.registerSubject({ givenName: 'Zebulon', familyName: 'Quigley' }, 'oslo-health');
    expect((await api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], purposes: ['follow_up'] }), { as: 'oslo-health' })).status).toBe(201);
    const contact = await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'] }), { as: 'oslo-health' });
    expect(contact.status).toBe(201);
    expect((await api.post(`/subjects/${subjectId}/contacts`, { contactId: randomUUID() }, { as: 'oslo-health' })).status).toBe(400);
    const denied = await api.http.get(`/subjects/${subjectId}/projections/person-overview?purpose=coordination`).set('Authorization', `Bearer ${await api.token('nav-oslo')}`);
    expect(denied.status).toBe(403);

    const text = await until('the relay to deliver the contact', async () => {
      const res = await api.http.get('/metrics');
      expect(res.status).toBe(200);
      return (sample(res.text, 'samhandling_deliveries_total', { agency: 'oslo-refugee', basis: 'consent' }) ?? 0) >= 2 ? res.text : undefined;
    });
    const contacts = '/subjects/:subjectId/contacts';
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: contacts, status: '201' })).toBe(1);
    expect(sample(text, 'samhandling_command_outcomes_total', { command: contacts, outcome: 'ok' })).toBe(1);
    expect(sample(text, 'samhandling_command_outcomes_total', { command: contacts, outcome: 'REQUEST.INVALID' })).toBe(1);
    expect(sample(text, 'samhandling_denials_total', { reason: 'no_basis' })).toBe(1);
    expect(sample(text, 'samhandling_append_group_size_count')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'samhandling_append_duration_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'samhandling_relay_lag_events')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'samhandling_dead_letters_total')).toBeUndefined(); // declared, nothing dead-lettered yet
    expect(text).toContain('# TYPE samhandling_scheduler_escalations_total counter');
    expect(text).toContain('process_resident_memory_bytes');
    for (const personal of [subjectId, 'Zebulon', 'Quigley', contact.body.events[0].id]) expect(text).not.toContain(personal);
  }, 60_000);

  it('reports no relay lag once the relay has caught up', async () => {
    const text = await until('the relay to catch up', async () => {
      const res = await api.http.get('/metrics');
      return sample(res.text, 'samhandling_relay_lag_events') === 0 ? res.text : undefined;
    });
    expect(sample(text, 'samhandling_relay_lag_seconds')).toBe(0);
  });

  it('is live and ready, with what it checked', async () => {
    expect((await api.http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { store: { status: 'up' }, relay: { status: 'up', lagEvents: expect.any(Number) } } });
    expect((await api.http.get('/health')).body).toEqual({ status: 'ok', store: 'ok' });
  });
});

describe('readiness failures and the metrics token', () => {
  it('is not ready while Kafka does not answer, and says so', async () => {
    const api = await ApiHarness.start({ env: { KAFKA_BROKERS: '127.0.0.1:1', INBOX_ENABLED: 'false' } });
    try {
      const ready = await api.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ error: 'HEALTH.NOT_READY', message: expect.stringContaining('kafka') });
      expect((await api.http.get('/health/live')).status).toBe(200);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('is not ready when the store does not answer', async () => {
    const api = await ApiHarness.start();
    try {
      await (api.store as SqlEventStore).sqlClient.close();
      const ready = await api.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ error: 'HEALTH.NOT_READY', message: expect.stringContaining('store') });
    } finally {
      await api.close().catch(() => undefined);
    }
  }, 60_000);

  it('is not ready when the in-process relay is further behind than READY_MAX_RELAY_LAG_EVENTS', async () => {
    const api = await ApiHarness.start({ env: { READY_MAX_RELAY_LAG_EVENTS: '0' } });
    try {
      // No relay runs in this harness, so every appended event is lag; readiness is told a relay
      // runs in-process (the config object the app was built with).
      api.config.relayInProcess = true;
      await api.registerSubject();
      const metrics = await api.http.get('/metrics');
      expect(sample(metrics.text, 'samhandling_relay_lag_events')).toBe(1);
      expect(sample(metrics.text, 'samhandling_relay_lag_seconds')).toBeGreaterThanOrEqual(0);
      const ready = await api.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ message: expect.stringContaining('relay'), details: { error: { relay: { lagEvents: 1, maxLagEvents: 0 } } } });
    } finally {
      await api.close();
    }
  }, 60_000);

  it('asks for METRICS_TOKEN when one is set', async () => {
    const api = await ApiHarness.start({ env: { METRICS_TOKEN: 'scrape-secret-123' } });
    try {
      expect((await api.http.get('/metrics')).status).toBe(401);
      expect((await api.http.get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
      const ok = await api.http.get('/metrics').set('Authorization', 'Bearer scrape-secret-123');
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('http_request_duration_seconds');
    } finally {
      await api.close();
    }
  }, 60_000);
});
