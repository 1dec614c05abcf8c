import { BadRequestException, HttpException, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson } from '@samhandling/audit';
import { invalid } from '@samhandling/domain';
import type { CommandContext } from '../platform/commands/handle-command';
import { refuseHostileInput } from '../platform/http/hostile-input';
import { INBOX_COMMANDS, type BusMessage, type InboxCommand } from './inbox-commands';
import { isVisibleToken } from '../platform/http/visible-token';

/**
 * An inbox message: the Kafka value is UTF-8 JSON, the key the subject id (one person's commands
 * then stay on one partition, in order):
 *
 *   { "id": "<message id>", "type": "RecordContact", "actor": "<caseworker>",
 *     "data": { ...the HTTP body, plus the URL's ids: subjectId, consentId, referralId
 *               (declinedReferralId for ReReferReferral, whose body has a referralId of its own) },
 *     "correlationId": "<optional trace id>" }
 *
 * `id` is the Idempotency-Key (unique per agency): a duplicate delivery appends nothing. The
 * agency is not in the message; it is the inbox topic's owner.
 */
export interface ParsedInboxMessage {
  id: string;
  type: string;
  actor: string;
  correlationId?: string;
  command: InboxCommand;
  params: Record<string, string>;
  /** `data` without the ids, validated and transformed into the command's DTO. */
  body: object;
  /** Hash of the HTTP twin (method, path, body), so HTTP and Kafka share one Idempotency-Key space. */
  requestHash: string;
}

// The Idempotency-Key rule of the HTTP API.
const ENVELOPE = new Set(['id', 'type', 'actor', 'data', 'correlationId']);
const uuidPipe = new ParseUUIDPipe();

const refused = (messages: string[]) => new BadRequestException({ error: 'REQUEST.INVALID', message: messages });

/** Parses and validates a message as the HTTP API would its request; throws what HTTP would answer. */
export async function parseInboxMessage(value: Buffer | null, validation: PipeTransform): Promise<ParsedInboxMessage> {
  const envelope = parseJson(value);
  // The whole envelope, not only `data`: the actor and correlation id are stored too (as HTTP, via the pipe).
  refuseHostileInput(envelope);
  const problems = Object.keys(envelope).filter((k) => !ENVELOPE.has(k)).map((k) => `property ${k} should not exist`);
  const { id, type, actor, data, correlationId } = envelope as Record<string, unknown>;
  if (!isVisibleToken(id)) problems.push('id must be 1–200 visible ASCII characters');
  if (typeof type !== 'string') problems.push('type must be a command type');
  if (typeof actor !== 'string' || actor.length < 1 || actor.length > 200) problems.push('actor must be a string of 1–200 characters');
  if (!isObject(data)) problems.push('data must be an object');
  if (correlationId !== undefined && !isVisibleToken(correlationId)) problems.push('correlationId must be 1–200 visible ASCII characters');
  if (problems.length > 0) throw refused(problems);

  const command = Object.hasOwn(INBOX_COMMANDS, type as string) ? INBOX_COMMANDS[type as string] : undefined;
  if (!command) throw invalid('INBOX.UNKNOWN_COMMAND', `Unknown command type ${JSON.stringify(type)}; known: ${Object.keys(INBOX_COMMANDS).join(', ')}`);

  const params: Record<string, string> = {};
  const rest: Record<string, unknown> = { ...(data as object) };
  for (const name of command.params) {
    try {
      params[name] = await uuidPipe.transform(rest[name] as string, { type: 'param', data: name });
    } catch {
      problems.push(`${name} must be a UUID`);
    }
    delete rest[name];
  }
  let body: object = {};
  if (command.dto) {
    try {
      body = (await validation.transform(rest, { type: 'body', metatype: command.dto, data: '' })) as object;
    } catch (error) {
      problems.push(...validationMessages(error));
    }
  } else {
    problems.push(...Object.keys(rest).map((k) => `property ${k} should not exist`));
  }
  if (problems.length > 0) throw refused(problems);

  const path = command.path(params);
  const requestHash = createHash('sha256').update(`POST ${path}\n${canonicalJson(rest)}`).digest('base64url');
  return { id: id as string, type: type as string, actor: actor as string, correlationId: correlationId as string | undefined, command, params, body, requestHash };
}

/** The bus message and context the message's HTTP twin would dispatch, on behalf of `agency`. */
export function toBusMessage(message: ParsedInboxMessage, agency: string): BusMessage {
  const context: CommandContext = {
    agency,
    actor: message.actor,
    correlationId: message.correlationId ?? message.id,
    idempotencyKey: message.id,
    requestHash: message.requestHash,
  };
  return message.command.build(message.body, message.params, context);
}

/**
 * The envelope's `id` and `correlationId` (each when it is a sane token), read without validating
 * the rest: the message id for dead-letter headers, and the correlation id its events will carry
 * (`correlationId`, else `id`) for its log lines, even when it is refused. Read once per message.
 */
export interface EnvelopeIds {
  id?: string;
  correlationId?: string;
}

export function envelopeIds(value: Buffer | null): EnvelopeIds {
  let envelope: { id?: unknown; correlationId?: unknown };
  try {
    envelope = (JSON.parse(value?.toString('utf8') ?? '') ?? {}) as typeof envelope;
  } catch {
    return {};
  }
  const key = (v: unknown) => (isVisibleToken(v) ? v : undefined);
  return { id: key(envelope.id), correlationId: key(envelope.correlationId) };
}

/** The message id, when the value is readable enough to have one (for dead-letter headers). */
export const messageIdOf = (value: Buffer | null): string | undefined => envelopeIds(value).id;

function parseJson(value: Buffer | null): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    throw new BadRequestException({ error: 'REQUEST.MALFORMED_JSON', message: 'Message value is not valid JSON' });
  }
  if (!isObject(parsed)) throw refused(['message must be a JSON object']);
  return parsed;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

function validationMessages(error: unknown): string[] {
  if (!(error instanceof HttpException)) throw error;
  // A coded refusal of the pipe (REQUEST.UNSTORABLE_TEXT, ...) keeps its code, as over HTTP.
  if ((error.getResponse() as { error?: unknown }).error?.toString().startsWith('REQUEST.')) throw error;
  const message = (error.getResponse() as { message?: string | string[] }).message;
  return Array.isArray(message) ? message : [String(message ?? error.message)];
}
