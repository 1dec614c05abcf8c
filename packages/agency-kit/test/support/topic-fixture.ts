import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import { agencyTopic, ensureTopics, eventType, type DeliveredEvent } from '@samhandling/messaging';

/** A delivered event as the relay writes it; `data` and envelope fields may be overridden. */
export function envelope(type: string, data: Record<string, unknown>, overrides: Partial<DeliveredEvent> = {}): DeliveredEvent {
  const subject = typeof data.subjectId === 'string' ? data.subjectId : randomUUID();
  return {
    specversion: '1.0', id: randomUUID(), source: '/samhandling/agencies/oslo-health', type: eventType(type), subject,
    time: new Date().toISOString(), datacontenttype: 'application/json', data, logposition: 1 + Math.floor(Math.random() * 1e6),
    categories: ['contact_log'], basis: ['own'], disclosureid: '', ...overrides,
  };
}

/** A topic of its own for one test: a fresh agency id. */
export async function freshAgency(kafka: Kafka, partitions = 2): Promise<string> {
  const agency = `consumer-test-${randomUUID().slice(0, 8)}`;
  await ensureTopics(kafka, [agencyTopic(agency)], { partitions });
  return agency;
}

/** Produces to the agency topic as the relay does: keyed by subject, raw values allowed for malformed cases. */
export async function produce(kafka: Kafka, agency: string, messages: Array<DeliveredEvent | { key: string; value: string | null }>): Promise<void> {
  const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic: agencyTopic(agency), acks: -1,
      messages: messages.map((m) => ('specversion' in m ? { key: m.subject, value: JSON.stringify(m), headers: { ce_id: m.id, ce_type: m.type } } : m)),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Polls until `check` holds, or fails saying what it last saw. */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last seen ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
