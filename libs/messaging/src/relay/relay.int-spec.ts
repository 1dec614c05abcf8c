import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Kafka } from 'kafkajs';
import { DisclosureLog } from '@samhandling/audit';
import { PgSqlClient, SqlEventStore } from '@samhandling/event-store';
import { loadCatalog } from '@samhandling/policy';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../../testing/src/services';
import { createKafka } from '../kafka-client';
import { agencyTopic } from '../topics';
import { FeedStore } from './feed-store';
import { KafkaSink } from './kafka-sink';
import { Relay } from './relay';
import { PgRelayLock } from './relay-lock';
import { appendAs, consumeAll, deleteTopics, prefixedDirectory, topicsOf } from './testing/relay-fixture';

const catalog = loadCatalog(join(__dirname, '..', '..', '..', 'policy', 'catalog'));
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe('Relay on PostgreSQL and a real Kafka broker', () => {
  const prefix = `t${randomUUID().slice(0, 6)}`;
  const dir = prefixedDirectory(prefix);
  const schema = uniqueSchema('relay');
  let url: string;
  let store: SqlEventStore;
  let kafka: Kafka;
  let brokers: string[];
  let disclosureLog: DisclosureLog;
  let feed: FeedStore;

  beforeAll(async () => {
    url = await postgresUrl();
    brokers = await kafkaBrokers();
    kafka = createKafka({ brokers, clientId: 'relay-int-test' });
    store = await SqlEventStore.create(new PgSqlClient(url), { schema });
    disclosureLog = await DisclosureLog.create(store.sqlClient, schema);
    feed = await FeedStore.create(store.sqlClient, schema);
  }, 60_000);

  afterAll(async () => {
    await deleteTopics(kafka, topicsOf(dir.agencies)).catch(() => undefined);
    await store?.sqlClient.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`).catch(() => undefined);
    await store?.close();
  });

  const relayWith = async (options: { kafka?: boolean; checkpointName?: string; lock?: PgRelayLock } = {}) => {
    const sinks = options.kafka === false ? [] : [await KafkaSink.create({ brokers, clientId: 'relay-int-test' }, { agencies: dir.agencies.map((a) => a.id), partitions: 2 })];
    const relay = new Relay({ store, catalog, agencies: dir.agencies, disclosureLog, feed, sinks, batchSize: 3, checkpointName: options.checkpointName, lock: options.lock });
    return { relay, close: async () => { await relay.stop(); for (const s of sinks) await s.close(); } };
  };

  it('delivers each event to exactly the agencies entitled to it, on no other topic, and records each disclosure once', async () => {
    const subjectId = randomUUID();
    const consentId = randomUUID();
    const health = dir.id('oslo-health');
    const contact = (categories: string[]) =>
      appendAs(store, `contact-${subjectId}`, health, 'ContactRecorded', {
        contactId: randomUUID(), subjectId, agency: health, actor: 'gp', occurredAt: hourAgo(), recordedAt: new Date().toISOString(),
        channel: 'in_person', categories, summary: 'visit', concerns: [], interpreterUsed: false,
      });
    const before = await contact(['contact_log', 'health']);
    const consent = await appendAs(store, `consent-${subjectId}`, health, 'ConsentGiven', {
      consentId, subjectId, decision: 'permit', grantor: { kind: 'self' }, recipients: [{ agency: dir.id('oslo-refugee') }],
      categories: ['health', 'contact_log'], purposes: ['follow_up'], validFrom: hourAgo(), evidence: { kind: 'written' },
      interpreterUsed: false, recordedBy: health, recordedAt: new Date().toISOString(),
    });
    const during = await contact(['contact_log', 'health']);
    const concern = await contact(['child_welfare_concern']);
    const withdrawal = await appendAs(store, `consent-${subjectId}`, health, 'ConsentWithdrawn', { consentId, subjectId, withdrawnBy: health, withdrawnAt: new Date().toISOString() });
    const after = await contact(['contact_log', 'health']);

    // Who may receive what, by the 2026-01 catalog: oslo-refugee only while the consent holds;
    // child welfare only the concern (duty to notify); the consent's own events go to the agency it
    // names. Other health services get nothing: §25/§45 is cooperation on the person's care, and
    // Bergen's health service is not involved with this person. NAV and the rest: nothing.
    const expected: Record<string, string[]> = {
      [before.id]: ['oslo-health'],
      [consent.id]: ['oslo-health', 'oslo-refugee'],
      [during.id]: ['oslo-health', 'oslo-refugee'],
      [concern.id]: ['oslo-health', 'oslo-child-welfare'],
      [withdrawal.id]: ['oslo-health', 'oslo-refugee'],
      [after.id]: ['oslo-health'],
    };
    const total = Object.values(expected).reduce((n, xs) => n + xs.length, 0);

    const { relay, close } = await relayWith();
    await relay.start();
    await relay.reached(after.position);
    await close();

    const received = await consumeAll(kafka, topicsOf(dir.agencies), (r) => r.length >= total, { graceMs: 1_500 });
    const got: Record<string, string[]> = {};
    for (const m of received) (got[m.envelope.id] ??= []).push(dir.name(m.topic.slice('samhandling.'.length, -'.v1'.length)));
    for (const id of Object.keys(got)) got[id].sort();
    expect(got).toEqual(Object.fromEntries(Object.entries(expected).map(([id, xs]) => [id, [...xs].sort()])));
    expect(received).toHaveLength(total);

    // The envelope: CloudEvents with the basis the disclosure record cites, keyed headers.
    const toRefugee = received.find((m) => m.envelope.id === during.id && m.topic === agencyTopic(dir.id('oslo-refugee')))!;
    expect(toRefugee.envelope).toMatchObject({
      specversion: '1.0', type: 'no.samhandling.ContactRecorded.v1', subject: subjectId, logposition: during.position,
      categories: ['contact_log', 'health'], basis: [`consent:${consentId}`], datacontenttype: 'application/json',
    });
    expect(toRefugee.headers).toMatchObject({ ce_id: during.id, ce_type: 'no.samhandling.ContactRecorded.v1' });
    const own = received.find((m) => m.envelope.id === during.id && m.topic === agencyTopic(health))!;
    expect(own.envelope).toMatchObject({ basis: ['own'], disclosureid: '' });

    // The disclosure log: one push record per delivery to another agency, with purpose and basis.
    const records = (await disclosureLog.read({ subjectId })).map((r) => r.disclosure);
    expect(records).toHaveLength(total - Object.keys(expected).length);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(records.find((r) => r.eventIds?.[0] === during.id && r.recipient.agency === dir.id('oslo-refugee'))).toMatchObject({
      kind: 'push', purpose: 'follow_up', disclosers: [health], channel: 'kafka', logPosition: during.position,
      bases: [{ kind: 'consent', consentId }], id: toRefugee.envelope.disclosureid,
    });
    expect(records.find((r) => r.eventIds?.[0] === concern.id)).toMatchObject({
      recipient: { agency: dir.id('oslo-child-welfare'), actor: 'relay' }, purpose: 'child_protection',
      bases: [{ kind: 'legal', entryId: 'duty-to-notify-child-welfare', version: '2026-01' }],
    });

    // The feed holds the same deliveries, per agency, in log order: the very envelopes Kafka carried.
    for (const agency of dir.agencies) {
      const page = await feed.read(agency.id, 0, 100);
      const want = Object.entries(expected).filter(([, xs]) => xs.includes(dir.name(agency.id))).map(([id]) => id);
      expect({ agency: agency.id, ids: page.events.map((e) => e.id) }).toEqual({ agency: agency.id, ids: want });
      const onTopic = received.filter((m) => m.topic === agencyTopic(agency.id)).map((m) => m.envelope).sort((a, b) => a.logposition - b.logposition);
      expect(page.events).toStrictEqual(onTopic);
    }

    // Replaying the whole log from position 0 decides the same and records nothing twice.
    const chainBefore = await disclosureLog.verify();
    const rerun = await relayWith({ kafka: false, checkpointName: 'relay-rerun' });
    await rerun.relay.start();
    await rerun.relay.reached(after.position);
    await rerun.close();
    expect((await disclosureLog.read({ subjectId })).map((r) => r.disclosure)).toEqual(records);
    const chainAfter = await disclosureLog.verify();
    expect(chainAfter).toEqual(chainBefore);
    expect(chainAfter.ok).toBe(true);
    const [{ n }] = await store.sqlClient.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.deliveries`);
    expect(Number(n)).toBe(total);
  }, 120_000);

  it('runs one relay per schema: a second one waits as a standby and takes over when the first stops', async () => {
    const lock = (log: string[]) => new PgRelayLock({ connectionString: url, name: `samhandling-relay:${schema}`, log: (m) => log.push(m), onLost: () => undefined, pollMs: 100 });
    const firstLog: string[] = [];
    const secondLog: string[] = [];
    const first = await relayWith({ kafka: false, checkpointName: 'lock-a', lock: lock(firstLog) });
    await first.relay.start();
    const second = await relayWith({ kafka: false, checkpointName: 'lock-b', lock: lock(secondLog) });
    let started = false;
    const starting = second.relay.start().then(() => { started = true; });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(started).toBe(false);
    expect(secondLog.join('\n')).toMatch(/another relay holds the lock/);
    await first.close();
    await starting;
    expect(started).toBe(true);
    await second.close();
  }, 60_000);
  it('carries the trace of the command that appended an event to Kafka: the traceparent header names the relay\'s producer span', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register({ propagator: new W3CTraceContextPropagator() });
    const traced = dir.id('oslo-refugee');
    const subjectId = randomUUID();
    const commandTrace = '0af7651916cd43dd8448eb211c80319c';
    const withTrace = { id: randomUUID(), type: 'ContactRecorded', metadata: { agency: traced, actor: 'kari', traceparent: `00-${commandTrace}-b7ad6b7169203331-01` }, data: {
      contactId: randomUUID(), subjectId, agency: traced, actor: 'kari', occurredAt: hourAgo(), recordedAt: new Date().toISOString(),
      channel: 'in_person', categories: ['contact_log'], summary: 'visit', concerns: [], interpreterUsed: false,
    } };
    const withoutTrace = { ...withTrace, id: randomUUID(), metadata: { agency: traced, actor: 'kari' }, data: { ...withTrace.data, contactId: randomUUID() } };
    const { position } = await store.append(`contact-${subjectId}`, [withTrace, withoutTrace]);
    const { relay, close } = await relayWith({ checkpointName: 'relay-traces' });
    try {
      await relay.start();
      await relay.reached(position);
      const received = await consumeAll(kafka, [agencyTopic(traced)], (r) => r.filter((m) => m.envelope.subject === subjectId).length >= 2, { graceMs: 200 });
      const [traceHeader, plain] = [withTrace, withoutTrace].map((e) => received.find((m) => m.envelope.id === e.id)!.headers);
      const deliver = exporter.getFinishedSpans().find((s) => s.name === 'relay.deliver' && s.spanContext().traceId === commandTrace)!;
      expect(deliver).toBeDefined();
      expect(deliver.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(deliver.attributes).toMatchObject({ 'messaging.system': 'kafka', 'samhandling.position': position - 1 });
      expect(traceHeader.traceparent).toBe(`00-${commandTrace}-${deliver.spanContext().spanId}-01`);
      // An event appended outside any trace is delivered without one: no header, no span.
      expect(plain.traceparent).toBeUndefined();
      expect(exporter.getFinishedSpans().filter((s) => s.name === 'relay.deliver' && s.attributes['samhandling.position'] === position)).toEqual([]);
    } finally {
      await close();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    }
  }, 60_000);
});
