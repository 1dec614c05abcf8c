import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { ensureTopics } from '../kafka-client';
import { agencyTopic } from '../topics';
import type { Delivery } from './feed-store';

/** Where a batch's deliveries go after they are recorded; must be safe to call again with the same batch. */
export interface DeliverySink {
  readonly name: string;
  deliver(deliveries: readonly Delivery[]): Promise<void>;
  /** Called after a failed delivery, before the batch is tried again. */
  recover?(): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaSinkOptions {
  /** Every agency in the directory gets its topic, created at start. */
  agencies: readonly string[];
  partitions?: number;
  replicationFactor?: number;
  /** Most messages per produce request. */
  chunk?: number;
}

/**
 * Produces each delivery to `samhandling.<agency>.v1`, keyed by subject id (one person's events
 * stay on one partition, in log order), as a structured-mode CloudEvent with the binary-mode
 * `ce_id`/`ce_type` headers for consumers that route on headers. The producer is idempotent with
 * one request in flight and acks from all in-sync replicas, so a retried request neither
 * reorders nor duplicates; a re-run batch after a crash may duplicate, which consumers absorb by
 * deduplicating on the event id.
 */
export class KafkaSink implements DeliverySink {
  readonly name = 'kafka';
  private producer?: Producer;

  private constructor(private readonly kafka: Kafka, private readonly options: KafkaSinkOptions) {}

  static async create(kafka: Kafka, options: KafkaSinkOptions): Promise<KafkaSink> {
    const sink = new KafkaSink(kafka, options);
    await sink.connect();
    return sink;
  }

  private async connect(): Promise<void> {
    // Again after a broker restart: a broker that came back empty has lost its topics.
    await ensureTopics(this.kafka, this.options.agencies.map(agencyTopic), {
      partitions: this.options.partitions, replicationFactor: this.options.replicationFactor,
    });
    // The Java client's partitioner (murmur2), so consumers in any language agree on a key's partition.
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producer = producer;
  }

  async deliver(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    if (!this.producer) await this.connect();
    const chunk = this.options.chunk ?? 2000;
    for (let i = 0; i < deliveries.length; i += chunk) {
      const byTopic = new Map<string, Message[]>();
      for (const d of deliveries.slice(i, i + chunk)) {
        const topic = agencyTopic(d.agency);
        let messages = byTopic.get(topic);
        if (!messages) byTopic.set(topic, (messages = []));
        messages.push({
          key: d.subjectId,
          value: JSON.stringify(d.envelope),
          headers: { ce_id: d.envelope.id, ce_type: d.envelope.type, ce_specversion: '1.0', 'content-type': 'application/cloudevents+json' },
        });
      }
      await this.producer!.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
  }

  async recover(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => undefined);
    await this.connect();
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
