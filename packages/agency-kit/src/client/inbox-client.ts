import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { inboxTopic } from '../contract';
import type { CommandData, CommandType } from './command-client';

export interface InboxSendOptions {
  /** The message id, which is the Idempotency-Key (shared with HTTP). Default: a fresh UUID. */
  id?: string;
  /** The caseworker acting, for the audit trail (over HTTP it comes from the token). */
  actor: string;
  correlationId?: string;
}

/**
 * Commands over the agency's inbox topic `samhandling.inbox.<agency>.v1`, with the same typed
 * `data` as CommandClient. The backbone validates and decides each as its HTTP twin; a refusal goes
 * to the dead-letter topic with the code HTTP would have answered. Give it an idempotent producer.
 */
export class InboxClient {
  constructor(private readonly producer: Producer, private readonly agency: string) {}

  /** Resolves when the broker has the message (acks from all in-sync replicas); returns its id. */
  async send<C extends CommandType>(type: C, data: CommandData<C>, options: InboxSendOptions): Promise<string> {
    const id = options.id ?? randomUUID();
    const fields = data as unknown as Record<string, unknown>;
    // One person's (or one referral's) commands on one partition, in order.
    const key = String(fields.subjectId ?? fields.referralId ?? fields.declinedReferralId ?? id);
    const message = { id, type, actor: options.actor, data, ...(options.correlationId ? { correlationId: options.correlationId } : {}) };
    await this.producer.send({ topic: inboxTopic(this.agency), acks: -1, messages: [{ key, value: JSON.stringify(message) }] });
    return id;
  }
}
