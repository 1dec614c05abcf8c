import { randomUUID } from 'node:crypto';
import { COMMAND_ROUTES, type InboxCommand } from '../contract';
import { request, type HttpOptions } from './http';

/** A command's name, e.g. `RecordContact`. */
export type CommandType = InboxCommand['type'];
/** What a command takes: the same `data` over HTTP and the inbox topic (the ids in the URL are fields of it). */
export type CommandData<C extends CommandType> = Extract<InboxCommand, { type: C }>['data'];

export interface CommandOptions {
  /**
   * Makes the command safe to send again: the backbone answers a repeat from the log and appends
   * nothing. Default: a fresh UUID per call, kept across the client's own retries. Pass your own
   * (e.g. your record's id) to be safe across restarts of your system too.
   */
  idempotencyKey?: string;
  /** The stream revision you decided on (an ETag of an earlier answer): the backbone refuses with ConflictError if the stream moved on. */
  ifMatch?: number | string;
  /** Carried into the backbone's logs and the events' metadata. */
  correlationId?: string;
  signal?: AbortSignal;
}

export interface CommandResult {
  streamId: string;
  /** The stream's revision after the command: pass as `ifMatch` to decide the next command on it. */
  nextRevision: number;
  position: number;
  events: Array<{ id: string; type: string }>;
  /** True when the backbone answered a repeat of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
  etag: string | null;
}

/**
 * The command API (`POST /subjects/…`), typed from the contract. A refusal throws its typed error
 * (InvalidRequestError, ForbiddenError, ConflictError, …) with the backbone's code; 503 and 429
 * are retried with backoff (Retry-After honoured), nothing else is.
 */
export class CommandClient {
  constructor(private readonly options: HttpOptions) {}

  async send<C extends CommandType>(type: C, data: CommandData<C>, options: CommandOptions = {}): Promise<CommandResult> {
    const route = COMMAND_ROUTES[type];
    if (!route) throw new Error(`Unknown command ${JSON.stringify(type)}`);
    const fields = { ...(data as unknown as Record<string, unknown>) };
    const path = route.path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
      const value = fields[name];
      if (typeof value !== 'string' || value.length === 0) throw new Error(`${type}: data.${name} is required (it is part of the URL)`);
      delete fields[name];
      return encodeURIComponent(value);
    });
    const headers: Record<string, string> = { 'idempotency-key': options.idempotencyKey ?? randomUUID() };
    if (options.ifMatch !== undefined) headers['if-match'] = `"${String(options.ifMatch).replace(/"/g, '')}"`;
    if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
    const hasBody = Object.keys(fields).length > 0;
    const answer = await request<Omit<CommandResult, 'etag'>>(this.options, 'POST', path, { body: hasBody ? fields : undefined, headers, signal: options.signal });
    return { ...answer.body, etag: answer.headers.get('etag') };
  }
}
