// @ts-check
'use strict';
/**
 * The Kafka producer of the relay, in its own thread. kafkajs encodes every record in JavaScript
 * (buffers per record and header, CRC, murmur2), which was about 40% of the relay's one thread;
 * here it runs beside the planning and recording of the next batches instead of between them.
 *
 * Plain JavaScript (type-checked through JSDoc) that needs nothing but kafkajs, so the same file
 * runs from the sources under jest and from dist/ in production.
 *
 * Protocol (see kafka-sink.ts): workerData is a kafkajs KafkaConfig of plain data; each
 * `{ id, topicMessages }` is sent as one `sendBatch` with acks from all in-sync replicas and answered
 * `{ id }` or `{ id, error: { name, message } }` (the producer connects first if it has not yet);
 * `{ id, connect: true }` only connects; `{ id, close: true }` disconnects, answers, and lets the
 * thread end.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { Kafka, Partitioners } = require('kafkajs');

if (!parentPort) throw new Error('kafka-producer.worker.js runs as a worker thread');
const port = parentPort;

const kafka = new Kafka(workerData.config);
// Idempotent, one request in flight: a retried request neither reorders nor duplicates. The Java
// client's partitioner (murmur2), so consumers in any language agree on a key's partition.
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
/** @type {Promise<void> | undefined} */
let connected;

/** @typedef {{ id: number, connect?: boolean, topicMessages?: import('kafkajs').TopicMessages[], close?: boolean }} Request */

/** @param {Request} request */
async function handle(request) {
  if (request.close) {
    if (connected) await connected.then(() => producer.disconnect(), () => undefined);
    return;
  }
  connected ??= producer.connect();
  await connected;
  if (request.topicMessages) await producer.sendBatch({ acks: -1, topicMessages: request.topicMessages });
}

// One request at a time, in arrival order: the sink sends batches in log order and waits for each.
/** @type {Promise<void>} */
let queue = Promise.resolve();
port.on('message', (/** @type {Request} */ request) => {
  queue = queue.then(() => handle(request)).then(
    () => port.postMessage({ id: request.id }),
    (/** @type {unknown} */ error) => {
      // After a failure the sink ends this thread and starts a fresh one (KafkaSink.recover).
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id: request.id, error: { name: e.name, message: e.message } });
    },
  ).then(() => {
    if (request.close) port.close();
  });
});
