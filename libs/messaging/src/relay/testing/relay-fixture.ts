import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { AgencyKind } from '@samhandling/domain';
import type { NewEvent, SqlEventStore } from '@samhandling/event-store';
import type { AgencyRef } from '@samhandling/policy';
import type { DeliveredEvent } from '../../cloud-event';
import { agencyTopic } from '../../topics';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..', '..');

/**
 * The real agency directory with every id prefixed, so each run has topics of its own: "no
 * other topic got it" can then be checked exactly, whatever else runs on the same broker.
 */
export function prefixedDirectory(prefix: string): { agencies: AgencyRef[]; id: (name: string) => string; name: (id: string) => string } {
  const real = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'agencies.json'), 'utf8')) as Array<{ id: string; kind: AgencyKind; municipality: string | null }>;
  return {
    agencies: real.map((a) => ({ id: `${prefix}-${a.id}`, kind: a.kind, municipality: a.municipality })),
    id: (name) => `${prefix}-${name}`,
    name: (id) => id.slice(prefix.length + 1),
  };
}

/** Appends one event as `agency` would through the API (agency in the metadata). */
export async function appendAs(store: SqlEventStore, streamId: string, agency: string, type: string, data: Record<string, unknown>): Promise<{ id: string; position: number }> {
  const event: NewEvent = { id: randomUUID(), type, data, metadata: { agency, actor: `caseworker@${agency}` } };
  const { position } = await store.append(streamId, [event]);
  return { id: event.id, position };
}

export interface Received {
  topic: string;
  envelope: DeliveredEvent;
  headers: Record<string, string>;
}

/**
 * Reads every message on the topics from the beginning until `done(received)` holds, then keeps
 * listening `graceMs` longer so that stray extra messages are caught too.
 */
export async function consumeAll(kafka: Kafka, topics: string[], done: (received: Received[]) => boolean, options: { timeoutMs?: number; graceMs?: number } = {}): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId: `relay-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} messages arrived`)), options.timeoutMs ?? 60_000);
      let finishing = false;
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          received.push({ topic, envelope: JSON.parse(message.value!.toString()) as DeliveredEvent, headers });
          if (!finishing && done(received)) {
            finishing = true;
            clearTimeout(timer);
            setTimeout(resolve, options.graceMs ?? 1_000);
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

export const topicsOf = (agencies: readonly AgencyRef[]): string[] => agencies.map((a) => agencyTopic(a.id));

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
