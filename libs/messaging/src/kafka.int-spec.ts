import { randomUUID } from 'node:crypto';
import { kafkaBrokers } from '../../testing/src/services';
import { createKafka, ensureTopics } from './kafka-client';

describe('Kafka connectivity (real broker)', () => {
  it('creates a topic, produces idempotently and consumes in key order', async () => {
    const kafka = createKafka({ brokers: await kafkaBrokers(), clientId: 'samhandling-test' });
    const topic = `samhandling.test-${randomUUID().slice(0, 8)}.v1`;
    await ensureTopics(kafka, [topic], { partitions: 2 });
    await ensureTopics(kafka, [topic]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: ['a', 'b', 'c'].map((value) => ({ key: 'subject-1', value })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} of 3 messages arrived`)), 30_000);
      void consumer.run({ eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length === 3) { clearTimeout(timer); resolve(); }
      } });
    });
    await consumer.disconnect();
    expect(seen).toEqual(['a', 'b', 'c']);
  }, 60_000);
});
