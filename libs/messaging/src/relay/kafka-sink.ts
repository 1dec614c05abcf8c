import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KafkaConfig, Message, TopicMessages } from 'kafkajs';
import { createKafka, ensureTopics, kafkaConfig, type KafkaSettings } from '../kafka-client';
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
  /**
   * Opens the sealed personal fields of the envelopes (libs/privacy's PersonalDataCodec), the last
   * step before they leave: what a recipient gets on its topic is what the policy let through, in
   * clear; a field of an erased person goes as null. Absent, envelopes go as stored.
   */
  reveal?: <T>(value: T) => Promise<T>;
}

/**
 * Produces each delivery to `samhandling.<agency>.v1`, keyed by subject id (one person's events
 * stay on one partition, in log order), as a structured-mode CloudEvent with the binary-mode
 * `ce_id`/`ce_type` headers for consumers that route on headers. The producer is idempotent with
 * one request in flight and acks from all in-sync replicas, so a retried request neither
 * reorders nor duplicates; a re-run batch after a crash may duplicate, which consumers absorb by
 * deduplicating on the event id.
 *
 * The producer runs in its own thread (kafka-producer.worker.js): this thread only serialises the
 * envelopes, so encoding batch n overlaps deciding and recording the batches after it.
 * `deliver` resolves once every message of the batch is acknowledged, as before.
 */
export class KafkaSink implements DeliverySink {
  readonly name = 'kafka';
  private producer?: ProducerThread;

  private constructor(private readonly settings: KafkaSettings, private readonly options: KafkaSinkOptions) {}

  static async create(settings: KafkaSettings, options: KafkaSinkOptions): Promise<KafkaSink> {
    const sink = new KafkaSink(settings, options);
    await sink.connect();
    return sink;
  }

  private async connect(): Promise<void> {
    // Again after a broker restart: a broker that came back empty has lost its topics.
    await ensureTopics(createKafka(this.settings), this.options.agencies.map(agencyTopic), {
      partitions: this.options.partitions, replicationFactor: this.options.replicationFactor,
    });
    // Connected before the sink is handed out, so a relay that cannot reach Kafka says so at start.
    const producer = new ProducerThread(kafkaConfig(this.settings));
    try {
      await producer.connect();
    } catch (error) {
      await producer.terminate();
      throw error;
    }
    this.producer = producer;
  }

  async deliver(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    if (!this.producer) await this.connect();
    const chunk = this.options.chunk ?? 2000;
    for (let i = 0; i < deliveries.length; i += chunk) {
      const byTopic = new Map<string, Message[]>();
      const slice = deliveries.slice(i, i + chunk);
      // One key look-up per chunk for all the people in it.
      const envelopes = this.options.reveal ? await this.options.reveal(slice.map((d) => d.envelope)) : slice.map((d) => d.envelope);
      for (const [k, d] of slice.entries()) {
        const envelope = envelopes[k];
        const topic = agencyTopic(d.agency);
        let messages = byTopic.get(topic);
        if (!messages) byTopic.set(topic, (messages = []));
        messages.push({
          key: d.subjectId,
          value: JSON.stringify(envelope),
          headers: {
            ce_id: envelope.id, ce_type: envelope.type, ce_specversion: '1.0', 'content-type': 'application/cloudevents+json',
            ...(d.traceparent ? { traceparent: d.traceparent } : {}),
          },
        });
      }
      await this.producer!.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    }
  }

  /** Ends the producer thread (whatever state its connection is in) and starts a fresh one. */
  async recover(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.terminate();
    await this.connect();
  }

  async close(): Promise<void> {
    await this.producer?.close();
    this.producer = undefined;
  }
}

interface Reply {
  id: number;
  error?: { name: string; message: string };
}

/** The main-thread end of kafka-producer.worker.js: one request at a time, answered in order. */
class ProducerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure?: Error;

  constructor(config: KafkaConfig) {
    this.worker = new Worker(join(__dirname, 'kafka-producer.worker.js'), { workerData: { config } });
    this.worker.on('message', (reply: Reply) => {
      const request = this.pending.get(reply.id);
      if (!request) return;
      this.pending.delete(reply.id);
      if (reply.error) request.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else request.resolve();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the Kafka producer thread ended (exit code ${code})`)));
  }

  connect(): Promise<void> {
    return this.request({ connect: true });
  }

  send(topicMessages: TopicMessages[]): Promise<void> {
    return this.request({ topicMessages });
  }

  /** Disconnects the producer (what it holds is acknowledged: sends are awaited), then ends the thread. */
  async close(): Promise<void> {
    await this.request({ close: true }).catch(() => undefined);
    await this.worker.terminate();
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private request(body: { connect?: boolean; topicMessages?: TopicMessages[]; close?: boolean }): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...body });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}
