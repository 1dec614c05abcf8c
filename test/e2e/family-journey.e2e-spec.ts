import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { DeliveredEvent } from '../../libs/messaging/src/cloud-event';
import { createKafka } from '../../libs/messaging/src/kafka-client';
import { agencyTopic, inboxTopic } from '../../libs/messaging/src/topics';
import { kafkaBrokers, postgresUrl, uniqueSchema } from '../../libs/testing/src/services';
import { Client, freePort, Installation, RunningApp, waitUntil } from './support/apps';
import { familyJourney, type Deliveries } from './support/journey';

const API = join('dist', 'apps', 'api', 'src', 'main.js');
const RELAY = join('dist', 'apps', 'relay', 'src', 'main.js');

/** Every delivery on the installation's agency topics, read by an independent consumer. */
class TopicDeliveries implements Deliveries {
  private readonly byAgency = new Map<string, DeliveredEvent[]>();
  private consumer?: Consumer;

  constructor(private readonly kafka: Kafka, private readonly installation: Installation) {}

  async start(): Promise<void> {
    const topics = this.installation.agencies.map((a) => agencyTopic(a.id));
    // The relay creates its topics at start; subscribe once they exist.
    const admin = this.kafka.admin();
    await admin.connect();
    await waitUntil('the relay to create the agency topics', async () => {
      const existing = new Set(await admin.listTopics());
      return topics.every((t) => existing.has(t)) ? true : undefined;
    }, 60_000);
    await admin.disconnect();
    this.consumer = this.kafka.consumer({ groupId: `e2e-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const agency = this.installation.name(topic.replace(/^samhandling\./, '').replace(/\.v1$/, ''));
        this.byAgency.set(agency, [...(this.byAgency.get(agency) ?? []), JSON.parse(message.value!.toString()) as DeliveredEvent]);
      },
    });
  }

  async of(agency: string): Promise<DeliveredEvent[]> {
    return this.byAgency.get(agency) ?? [];
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Every delivery in each agency's HTTP feed, for installations without Kafka. */
class FeedDeliveries implements Deliveries {
  constructor(private readonly client: Client) {}

  async of(agency: string): Promise<DeliveredEvent[]> {
    const events: DeliveredEvent[] = [];
    for (let after = 0; ;) {
      const page = await this.client.get(`/feed?after=${after}&limit=500`, agency);
      if (page.status !== 200) throw new Error(`feed of ${agency}: ${page.status} ${JSON.stringify(page.body)}`);
      events.push(...page.body.events);
      if (page.body.events.length < 500) return events;
      after = page.body.nextCursor;
    }
  }
}

describe('a family\'s journey through the running apps', () => {
  describe('on PostgreSQL and the real Kafka broker: API and relay processes, HTTP and the Kafka inbox', () => {
    const installation = new Installation(`e${randomUUID().slice(0, 6)}`);
    const schema = uniqueSchema('journey');
    let api: RunningApp;
    let relay: RunningApp;
    let kafka: Kafka;
    let producer: Producer;
    let deliveries: TopicDeliveries;
    let client: Client;
    let databaseUrl: string;

    beforeAll(async () => {
      databaseUrl = await postgresUrl();
      const brokers = await kafkaBrokers();
      const port = await freePort();
      const env = installation.env({
        DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, KAFKA_BROKERS: brokers.join(','), PORT: String(port),
        LEGAL_BASES_ENABLED: 'family-reunification-notice', SCHEDULER_INTERVAL_MS: '500', RELAY_TOPIC_PARTITIONS: '1',
        INBOX_GROUP_ID: `e2e-inbox-${installation.prefix}`,
      });
      api = RunningApp.start('api', API, env);
      relay = RunningApp.start('relay', RELAY, env);
      client = new Client(`http://127.0.0.1:${port}`, installation);
      await waitUntil('the API to answer /health', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 90_000, [api, relay]);
      kafka = createKafka({ brokers, clientId: 'e2e-journey' });
      producer = kafka.producer({ idempotent: true });
      await producer.connect();
      deliveries = new TopicDeliveries(kafka, installation);
      await deliveries.start();
    }, 180_000);

    afterAll(async () => {
      await deliveries?.stop();
      await producer?.disconnect();
      await api?.stop();
      await relay?.stop();
      const admin = kafka?.admin();
      if (admin) {
        await admin.connect();
        const mine = (await admin.listTopics()).filter((t) => t.includes(`.${installation.prefix}-`));
        await admin.deleteTopics({ topics: mine }).catch(() => undefined);
        await admin.disconnect();
      }
      if (databaseUrl) {
        const { Client: Pg } = await import('pg');
        const pg = new Pg({ connectionString: databaseUrl });
        await pg.connect();
        await pg.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_keys CASCADE`);
        await pg.end();
      }
      installation.remove();
    }, 60_000);

    it('arrival → contacts → consent → escalated referral → answered → duty to notify → withdrawal → reports', async () => {
      await familyJourney({
        client, installation, deliveries, apps: [api, relay],
        grantViaInbox: async (subjectId, body) => {
          const message = { id: `grant-${subjectId}`, type: 'GrantResidence', actor: 'case-officer@udi', data: { subjectId, ...body } };
          await producer.send({ topic: inboxTopic(installation.id('udi')), messages: [{ key: subjectId, value: JSON.stringify(message) }] });
        },
      });
    }, 240_000);
  });

  describe('on the embedded default (PGlite, no other service), with the HTTP feed', () => {
    const installation = new Installation(`e${randomUUID().slice(0, 6)}`);
    let api: RunningApp;
    let client: Client;

    beforeAll(async () => {
      const port = await freePort();
      api = RunningApp.start('api', API, installation.env({
        PORT: String(port), DATABASE_URL: undefined, KAFKA_BROKERS: undefined, LEGAL_BASES_ENABLED: 'family-reunification-notice', SCHEDULER_INTERVAL_MS: '500',
      }));
      client = new Client(`http://127.0.0.1:${port}`, installation);
      await waitUntil('the embedded API to answer /health', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 90_000, [api]);
    }, 120_000);

    afterAll(async () => {
      await api?.stop();
      installation.remove();
    });

    it('arrival → contacts → consent → escalated referral → withdrawal → reports, read from /feed', async () => {
      await familyJourney({ client, installation, deliveries: new FeedDeliveries(client), apps: [api], trimmed: true });
    }, 180_000);
  });
});
