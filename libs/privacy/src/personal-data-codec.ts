import { InvalidAppendError, type EventCodec, type NewEvent } from '@samhandling/event-store';
import type { KeyStore } from './key-store';
import { PERSONAL_FIELDS } from './personal-fields';
import { isSealed, open, parseSealed, seal } from './sealed-field';

/** The person a stream's events are about, for events that do not name one (a referral's later steps). */
export type StreamSubject = (streamId: string) => Promise<string | undefined>;

/**
 * Crypto-shredding (issue 16): encrypts the personal fields of events as they are appended, each
 * with its person's data key, and opens them again on the way out — after the policy has decided
 * what leaves, in the HTTP responses and the Kafka messages. Everything in between (the log, the
 * projections, the feed's rows, the relay's state) holds them sealed. Destroying a person's key
 * (erasure) makes every copy unreadable at once; ids, categories and dates stay in clear, so the
 * policy, the routing and the disclosure chain keep working.
 */
export class PersonalDataCodec implements EventCodec {
  constructor(private readonly keys: KeyStore, private readonly streamSubject: StreamSubject) {}

  async encode(streamId: string, events: readonly NewEvent[]): Promise<readonly NewEvent[]> {
    let subject: string | undefined;
    const out: NewEvent[] = [];
    for (const event of events) {
      const paths: readonly string[] = (PERSONAL_FIELDS as Readonly<Record<string, readonly string[]>>)[event.type] ?? [];
      if (!paths.some((p) => valueAt(event.data, p) !== undefined)) {
        out.push(event);
        continue;
      }
      subject = typeof event.data.subjectId === 'string' ? event.data.subjectId : subject ?? await this.streamSubject(streamId);
      if (subject === undefined) throw new InvalidAppendError(`${event.type} carries personal data but names no person, nor does its stream`);
      const key = await this.keys.keyFor(subject);
      if (!key) throw new InvalidAppendError(`The person of this ${event.type} was erased: no personal data is recorded about them any more`);
      const data = structuredClone(event.data);
      for (const path of paths) {
        const value = valueAt(data, path);
        if (value === undefined) continue;
        const sealOne = (v: unknown, at: string): string => {
          if (typeof v !== 'string') throw new InvalidAppendError(`${event.type}.${path} must be text`);
          return seal(key, subject!, event.id.toLowerCase(), at, this.plain(v, key, subject!, event.type, at));
        };
        setAt(data, path, Array.isArray(value) ? value.map((v, i) => sealOne(v, `${path}.${i}`)) : sealOne(value, path));
      }
      out.push({ ...event, data });
    }
    return out;
  }

  /**
   * A value already sealed (a decider copying a field from an earlier event of the same person,
   * as the arrival notice copies the name) is opened and sealed again for its new place; one
   * sealed for someone else, or that does not open, is refused — a command cannot smuggle another
   * person's sealed data into a record.
   */
  private plain(value: string, key: Buffer, subject: string, type: string, path: string): string {
    if (!isSealed(value)) return value;
    const field = parseSealed(value);
    const plain = field && field.subjectId === subject ? open(key, field) : undefined;
    if (plain === undefined) throw new InvalidAppendError(`${type}.${path} holds sealed data that is not this person's: text starting with "enc:v1:" is reserved`);
    return plain;
  }

  /**
   * The value with every sealed field opened: the people's keys are fetched once for the whole
   * value. A field whose key was destroyed (the person erased), or that does not open, reads as
   * null — never as the sealed string.
   */
  async reveal<T>(value: T): Promise<T> {
    const sealed = new Map<string, ReturnType<typeof parseSealed>>();
    collect(value, sealed);
    if (sealed.size === 0) return value;
    const subjects = [...new Set([...sealed.values()].flatMap((f) => (f ? [f.subjectId] : [])))];
    const keys = await this.keys.existingKeys(subjects);
    const opened = new Map<string, string | null>();
    for (const [text, field] of sealed) {
      const key = field && keys.get(field.subjectId);
      opened.set(text, (key && field && open(key, field)) ?? null);
    }
    return replace(value, opened) as T;
  }
}

function collect(value: unknown, into: Map<string, ReturnType<typeof parseSealed>>): void {
  if (typeof value === 'string') {
    if (isSealed(value) && !into.has(value)) into.set(value, parseSealed(value));
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, into);
  } else if (isPlainObject(value)) {
    for (const v of Object.values(value)) collect(v, into);
  }
}

function replace(value: unknown, opened: Map<string, string | null>): unknown {
  if (typeof value === 'string') return opened.has(value) ? opened.get(value) : value;
  if (Array.isArray(value)) return value.map((v) => replace(v, opened));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replace(v, opened);
    return out;
  }
  return value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  // Any realm's Object.prototype (the vm contexts of a test runner have their own), not a class instance.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
};

function valueAt(data: Record<string, unknown>, path: string): unknown {
  let at: unknown = data;
  for (const part of path.split('.')) {
    if (!isPlainObject(at)) return undefined;
    at = at[part];
  }
  return at;
}

function setAt(data: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = data;
  for (const part of parts.slice(0, -1)) at = at[part] as Record<string, unknown>;
  at[parts[parts.length - 1]] = value;
}
