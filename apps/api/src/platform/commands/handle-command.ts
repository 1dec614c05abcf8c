import { v5 as uuidv5 } from 'uuid';
import { randomUUID } from 'node:crypto';
import { conflict, fold, type Decider } from '@samhandling/domain';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '@samhandling/event-store';
import { activeTraceparent, inSpan } from '@samhandling/observability';

export interface CommandContext {
  agency: string;
  actor: string;
  /** Client's Idempotency-Key: a retry with the same key returns the first result, appends nothing. */
  idempotencyKey?: string;
  /** Hash of the request, to refuse a key reused for a different request. */
  requestHash?: string;
  correlationId: string;
  /** Client's If-Match: the stream revision it decided on; a stale one fails instead of retrying. */
  expectedRevision?: number;
}

export interface CommandResult {
  streamId: string;
  nextRevision: number;
  position: number;
  events: Array<{ id: string; type: string }>;
  /** True when this answers a retry of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

// Fixed namespace for idempotent event ids (UUID v5 of agency, command and key).
const EVENT_ID_NAMESPACE = '6f1c8c1e-6d1f-4c59-9a43-5a4d8a9f0b77';
const MAX_ATTEMPTS = 12;

type AnyCommand = { type: string };
type AnyEvent = { type: string; data: object };

/**
 * The one command handler: read the stream, fold, decide, append with the revision read.
 * A concurrent writer makes the append fail; the command is then decided again on fresh state.
 */
export async function handleCommand<S, C extends AnyCommand, E extends AnyEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  context: CommandContext,
): Promise<CommandResult> {
  return inSpan(`command ${command.type}`, async () => {
    // The command's trace, kept with its events so the relay's delivery continues it (Kafka header).
    const traceparent = activeTraceparent();
    const firstId = context.idempotencyKey ? eventId(context, command.type, 0) : undefined;
    for (let attempt = 1; ; attempt++) {
      // Stream first, key second: a first request committing in between is then seen by the lookup,
      // or conflicts with the revision read and sends this one round again.
      const history = await store.readStream(streamId);
      if (firstId) {
        const earlier = await store.readEvent(firstId);
        if (earlier) return replay(store, earlier, context);
      }
      const current = history.length === 0 ? -1 : history[history.length - 1].revision;
      if (context.expectedRevision !== undefined && context.expectedRevision !== current) {
        throw new WrongExpectedRevisionError(streamId, context.expectedRevision, current < 0 ? 'no_stream' : current);
      }
      const state = fold(decider, history as unknown as E[]);
      const events = decider.decide(command, state);
      const newEvents = events.map((event, i) => ({
        id: context.idempotencyKey ? eventId(context, command.type, i) : randomUUID(),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: {
          agency: context.agency,
          actor: context.actor,
          command: command.type,
          correlationId: context.correlationId,
          ...(traceparent ? { traceparent } : {}),
          ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey, requestHash: context.requestHash } : {}),
        },
      }));
      if (newEvents.length === 0) {
        const last = history[history.length - 1];
        return { streamId, nextRevision: last?.revision ?? -1, position: last?.position ?? 0, events: [], replayed: false };
      }
      try {
        const result = await store.append(streamId, newEvents, { expectedRevision: current < 0 ? 'no_stream' : current });
        // Two requests racing with one key both miss the lookup and derive the same event ids; the
        // store keeps the first. The one whose body was not stored must hear so.
        if (firstId && (await store.readEvent(firstId))?.metadata.requestHash !== context.requestHash) throw keyReused(context);
        return { streamId, ...result, events: newEvents.map(({ id, type }) => ({ id, type })), replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS || context.expectedRevision !== undefined) throw error;
        // Writers that lost the race back off a little, at random, so they do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }, { attributes: { 'samhandling.command': command.type, 'samhandling.agency': context.agency } });
}

const keyReused = (context: CommandContext) =>
  conflict('IDEMPOTENCY.KEY_REUSED', `Idempotency-Key ${JSON.stringify(context.idempotencyKey)} was already used for a different request`);

function eventId(context: CommandContext, commandType: string, index: number): string {
  return uuidv5(`${context.agency}\u0000${commandType}\u0000${context.idempotencyKey}\u0000${index}`, EVENT_ID_NAMESPACE);
}

async function replay(store: EventStore, first: RecordedEvent, context: CommandContext): Promise<CommandResult> {
  if (first.metadata.requestHash !== context.requestHash) throw keyReused(context);
  const following = await store.readStream(first.streamId, { fromRevision: first.revision });
  const same = following.filter(
    (e) => e.metadata.idempotencyKey === context.idempotencyKey && e.metadata.agency === context.agency && e.metadata.command === first.metadata.command,
  );
  const last = same[same.length - 1];
  return {
    streamId: first.streamId,
    nextRevision: last.revision,
    position: last.position,
    events: same.map(({ id, type }) => ({ id, type })),
    replayed: true,
  };
}
