import { errorSummary } from '../sql';
import { ApplyFailed } from './apply-messages';

const TRANSIENT = new Set([
  'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSGroupCoordinatorNotFound', 'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSMetadataNotLoaded',
]);

/** kafkajs re-wraps some connection errors without a cause; only the message is left. */
const CONNECTION = /^Connection error|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|coordinator/i;

/** Broker unreachable or restarting: worth waiting for, unlike e.g. a denied ACL. */
export function transient(error: unknown): boolean {
  for (let e = error as { name?: string; message?: string; retriable?: boolean; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.retriable === true || TRANSIENT.has(e.name ?? '')) return true;
    if (e.name?.startsWith('KafkaJS') && CONNECTION.test(e.message ?? '')) return true;
  }
  return false;
}

/** A failure as a log line: ids, offsets and error codes, never event data. */
export const describe = (error: unknown): string => (error instanceof ApplyFailed ? `${error.message}: ${errorSummary(error.cause)}` : errorSummary(error));
