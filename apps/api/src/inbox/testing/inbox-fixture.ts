import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { createKafka, deadLetterTopic, inboxTopic } from '@samhandling/messaging';
import { createApp } from '../../bootstrap';
import { loadConfig, type AppConfig } from '../../platform/config/app-config';
import { InProcessInbox } from '../inbox.providers';
import type { InboxOutcome } from '../inbox-consumer';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..', '..');

/**
 * The real agency directory with every id prefixed, written to a temporary file: each run then
 * has inbox and dead-letter topics of its own on a shared broker.
 */
export function prefixedDirectoryFile(prefix: string, dir: string): { file: string; id: (name: string) => string; ids: string[] } {
  const real = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'agencies.json'), 'utf8')) as Array<{ id: string }>;
  const agencies = real.map((a) => ({ ...a, id: `${prefix}-${a.id}` }));
  const file = join(dir, 'agencies.json');
  writeFileSync(file, JSON.stringify(agencies));
  return { file, id: (name) => `${prefix}-${name}`, ids: agencies.map((a) => a.id) };
}

interface Proxied {
  client: Socket;
  upstream: Socket;
  /** The event store's LISTEN connection, spared by a cut. */
  listens: boolean;
  /** Between BEGIN and COMMIT/ROLLBACK, or just after: the pg client is checked out. */
  busyUntil: number;
}

/**
 * A TCP proxy in front of PostgreSQL that a test can cut (connections dropped, new ones refused)
 * and restore: to the API it is the database going away, without stopping a server others share.
 *
 * A cut spares the event store's LISTEN connection and waits for open transactions to end:
 * PgSqlClient attaches no error listener to a checked-out pg client, so a connection lost under
 * one crashes the process (an unhandled 'error' event). That is the store's fault, not the inbox's;
 * the proxy keeps it out of the way so the inbox's own retries can be tested.
 */
export class DatabaseProxy {
  private server?: Server;
  private readonly connections = new Set<Proxied>();
  private port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static async start(databaseUrl: string): Promise<{ proxy: DatabaseProxy; url: string }> {
    const url = new URL(databaseUrl);
    const proxy = new DatabaseProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.restore();
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return { proxy, url: url.toString() };
  }

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const c: Proxied = { client, upstream: createConnection(this.target), listens: false, busyUntil: 0 };
      this.connections.add(c);
      for (const s of [client, c.upstream]) {
        s.on('error', () => undefined);
        s.on('close', () => {
          this.connections.delete(c);
          client.destroy();
          c.upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        if (chunk.includes('LISTEN ')) c.listens = true;
        if (chunk.includes('BEGIN')) c.busyUntil = Infinity;
        // The client is released a moment after COMMIT's answer arrives.
        if (chunk.includes('COMMIT') || chunk.includes('ROLLBACK')) c.busyUntil = Date.now() + 200;
      });
      client.pipe(c.upstream).pipe(client);
    });
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(this.port, '127.0.0.1', ok));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Refuses new connections at once, then drops the others as soon as no transaction is open. */
  async cut(): Promise<void> {
    // Stops accepting; close()'s callback would wait for the spared connection to end.
    this.server?.close();
    this.server = undefined;
    const deadline = Date.now() + 15_000;
    const cuttable = () => [...this.connections].filter((c) => !c.listens);
    while (cuttable().some((c) => c.busyUntil > Date.now())) {
      if (Date.now() > deadline) throw new Error('a database transaction stayed open for 15 s; not cutting under it');
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const c of cuttable()) c.client.destroy();
  }

  /** Closes the proxy for good, every connection included. */
  stop(): void {
    this.server?.close();
    for (const c of this.connections) c.client.destroy();
  }
}

export interface InboxApp {
  app: NestExpressApplication;
  inbox: InProcessInbox;
  outcomes: InboxOutcome[];
  /** Resolves with the first outcome (already seen or to come) that `match` accepts. */
  outcome(match: (o: InboxOutcome) => boolean, timeoutMs?: number): Promise<InboxOutcome>;
  close(): Promise<void>;
}

/** The whole API (HTTP and the inbox inside it) over `databaseUrl`, consuming the prefixed inboxes. */
export async function startInboxApp(settings: { databaseUrl: string; schema: string; brokers: string[]; directoryFile: string; groupId: string; maxAttempts?: number; logDestination?: { write(line: string): void } }): Promise<InboxApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samhandling-inbox-'));
  const config: AppConfig = {
    ...loadConfig({}),
    dataDir,
    databaseUrl: settings.databaseUrl,
    schema: settings.schema,
    agencyDirectoryFile: settings.directoryFile,
    kafka: { brokers: settings.brokers, clientId: 'inbox-int-test' },
    inbox: { enabled: true, groupId: settings.groupId, partitions: 2, replicationFactor: 1, maxAttempts: settings.maxAttempts ?? 3 },
    relayInProcess: false,
  };
  const app = await createApp(config, settings.logDestination ? { logDestination: settings.logDestination } : process.env.API_TEST_LOG ? {} : { logger: false });
  await app.init();
  const inbox = app.get(InProcessInbox);
  const outcomes: InboxOutcome[] = [];
  const waiters = new Set<() => void>();
  inbox.onOutcome((o) => {
    outcomes.push(o);
    waiters.forEach((w) => w());
  });
  await inbox.ready();
  const outcome = (match: (o: InboxOutcome) => boolean, timeoutMs = 30_000) =>
    new Promise<InboxOutcome>((ok, fail) => {
      const check = () => {
        const found = outcomes.find(match);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          ok(found);
        }
      };
      const timer = setTimeout(() => { waiters.delete(check); fail(new Error(`no matching inbox outcome in ${timeoutMs} ms; saw ${JSON.stringify(outcomes.map((o) => [o.messageId, o.outcome]))}`)); }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    app, inbox, outcomes, outcome,
    close: async () => {
      try {
        await app.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Publishes as an agency's system would: JSON value, subject id as key. */
export class InboxPublisher {
  private constructor(private readonly producer: Producer) {}

  static async connect(kafka: Kafka): Promise<InboxPublisher> {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new InboxPublisher(producer);
  }

  /** `value` may be a string, to publish something that is not JSON; returns where the message landed. */
  async publish(agency: string, key: string, value: object | string): Promise<{ partition: number; offset: string }> {
    const [meta] = await this.producer.send({ topic: inboxTopic(agency), acks: -1, messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }] });
    return { partition: meta.partition, offset: meta.baseOffset! };
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

export interface DeadLetterRead {
  key?: string;
  value: string;
  headers: Record<string, string>;
}

/** Reads the dead-letter topics of `agencies` from the beginning, in the background. */
export async function readDeadLetters(kafka: Kafka, agencies: string[]): Promise<{ letters: DeadLetterRead[]; close(): Promise<void> }> {
  const consumer = kafka.consumer({ groupId: `inbox-dlq-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const letters: DeadLetterRead[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: agencies.map(deadLetterTopic), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      letters.push({
        key: message.key?.toString(),
        value: message.value?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
    },
  });
  return { letters, close: () => consumer.disconnect() };
}

export const kafkaFor = (brokers: string[]): Kafka => createKafka({ brokers, clientId: 'inbox-int-test' });
