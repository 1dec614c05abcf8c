import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { PgliteSqlClient } from '@samhandling/event-store';
import { PersonalDataCodec, SqlKeyStore, keysSchema } from '@samhandling/privacy';
import { kafkaBrokers } from '../../../testing/src/services';
import { eventType, type DeliveredEvent } from '../cloud-event';
import { createKafka } from '../kafka-client';
import { agencyTopic } from '../topics';
import type { Delivery } from './feed-store';
import { KafkaSink } from './kafka-sink';
import { consumeAll, deleteTopics } from './testing/relay-fixture';

/** The sink's producer runs in a worker thread: what reaches the broker, and what happens when that thread dies. */
describe('KafkaSink on a real broker', () => {
  const prefix = `k${randomUUID().slice(0, 6)}`;
  const agencies = [`${prefix}-a`, `${prefix}-b`];
  let brokers: string[];
  let kafka: Kafka;

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    kafka = createKafka({ brokers, clientId: 'kafka-sink-test' });
  });

  afterAll(async () => {
    await deleteTopics(kafka, agencies.map(agencyTopic)).catch(() => undefined);
  });

  const delivery = (agency: string, n: number): Delivery => {
    const subjectId = `person-${n % 3}`;
    const envelope: DeliveredEvent = {
      specversion: '1.0', id: randomUUID(), source: `/samhandling/agencies/${agency}`, type: eventType('ContactRecorded'), subject: subjectId,
      time: new Date().toISOString(), datacontenttype: 'application/json', data: { n }, logposition: n, categories: ['contact_log'], basis: ['own'], disclosureid: '',
    };
    return { agency, eventId: envelope.id, position: n, subjectId, envelope, stored: { c: envelope.categories } };
  };

  it('produces each delivery to its agency topic as a CloudEvent with ce_ headers, in order per person, and recovers when its producer thread dies', async () => {
    const sink = await KafkaSink.create({ brokers, clientId: 'kafka-sink-test' }, { agencies, partitions: 2, chunk: 7 });
    try {
      const first = Array.from({ length: 20 }, (_, i) => delivery(agencies[i % 2], i + 1));
      await sink.deliver(first);

      // A producer thread that ends (a crash, an out-of-memory kill) fails the batch in hand; the
      // relay then calls recover(), which starts a fresh thread, and delivers the batch again.
      await (sink as unknown as { producer: { terminate(): Promise<void> } }).producer.terminate();
      const second = Array.from({ length: 6 }, (_, i) => delivery(agencies[i % 2], 21 + i));
      await expect(sink.deliver(second)).rejects.toThrow(/producer thread ended/);
      await sink.recover();
      await sink.deliver(second);

      const all = [...first, ...second];
      const received = await consumeAll(kafka, agencies.map(agencyTopic), (r) => r.length >= all.length, { graceMs: 500 });
      expect(received.map((r) => ({ topic: r.topic, id: r.envelope.id })).sort((x, y) => x.id.localeCompare(y.id)))
        .toEqual(all.map((d) => ({ topic: agencyTopic(d.agency), id: d.eventId })).sort((x, y) => x.id.localeCompare(y.id)));
      for (const r of received) {
        expect(r.headers).toEqual({ ce_id: r.envelope.id, ce_type: eventType('ContactRecorded'), ce_specversion: '1.0', 'content-type': 'application/cloudevents+json' });
      }
      // Keyed by person: one person's deliveries to one agency arrive in log order.
      for (const agency of agencies) {
        for (const person of ['person-0', 'person-1', 'person-2']) {
          const positions = received.filter((r) => r.topic === agencyTopic(agency) && r.envelope.subject === person).map((r) => r.envelope.logposition);
          expect(positions).toEqual([...positions].sort((x, y) => x - y));
          expect(positions.length).toBe(all.filter((d) => d.agency === agency && d.subjectId === person).length);
        }
      }
    } finally {
      await sink.close();
    }
  }, 90_000);

  it('opens sealed personal fields as the messages leave, and sends an erased person\'s as null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samhandling-kafka-reveal-'));
    const sql = await PgliteSqlClient.open(dir);
    const keys = await SqlKeyStore.create(sql, 'reveal');
    const codec = new PersonalDataCodec(keys, async () => undefined);
    const topicAgencies = [`${prefix}-r`];
    const sink = await KafkaSink.create({ brokers, clientId: 'kafka-sink-test' }, { agencies: topicAgencies, partitions: 1, reveal: (v) => codec.reveal(v) });
    try {
      const sealedFor = async (subjectId: string, summary: string) => {
        const [event] = await codec.encode('s', [{ id: randomUUID(), type: 'ContactRecorded', data: { subjectId, summary } }]);
        const d = delivery(topicAgencies[0], 1);
        return { ...d, subjectId, envelope: { ...d.envelope, subject: subjectId, data: event.data } };
      };
      const kept = await sealedFor('person-kept', 'Worried about the rent');
      const erased = await sealedFor('person-erased', 'Told us about the violence');
      expect(JSON.stringify(kept.envelope)).not.toContain('rent');
      await sql.query(`UPDATE ${keysSchema('reveal')}.data_keys SET key = NULL, destroyed_at = now() WHERE subject_id = 'person-erased'`);
      const fresh = new PersonalDataCodec(new SqlKeyStore(sql, 'reveal'), async () => undefined);
      (sink as unknown as { options: { reveal: unknown } }).options.reveal = (v: unknown) => fresh.reveal(v);
      await sink.deliver([kept, erased]);
      const received = await consumeAll(kafka, topicAgencies.map(agencyTopic), (r) => r.length >= 2, { graceMs: 500 });
      expect(Object.fromEntries(received.map((r) => [r.envelope.subject, (r.envelope.data as { summary: unknown }).summary])))
        .toEqual({ 'person-kept': 'Worried about the rent', 'person-erased': null });
    } finally {
      await sink.close();
      await deleteTopics(kafka, topicAgencies.map(agencyTopic)).catch(() => undefined);
      await sql.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
