import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/**
 * One personal field, encrypted: AES-256-GCM under the person's data key, with the person, the
 * event and the field's path as associated data — a sealed value moved to another person, event
 * or field does not open. Kept as a string in the field's own place, so an event keeps its shape
 * and a projection that copies the field copies it sealed:
 *
 *   enc:v1:<subject>:<event id>:<path>:<iv>:<ciphertext and tag>      (subject and path URI-encoded, iv and body base64url)
 *
 * The nonce is synthetic (an HMAC of event, path and plaintext under the key's second half, as in
 * SIV): the same field of the same event seals to the same string, so a retried append stores the
 * same bytes, and two different plaintexts never share a nonce.
 */
export const SEALED_PREFIX = 'enc:v1:';

/** A data key: 32 bytes for AES-256-GCM, then 32 for the nonce's HMAC. */
export const DATA_KEY_BYTES = 64;

export interface SealedField {
  subjectId: string;
  eventId: string;
  path: string;
  iv: Buffer;
  body: Buffer;
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);

export function seal(key: Buffer, subjectId: string, eventId: string, path: string, plaintext: string): string {
  checkKey(key);
  const iv = createHmac('sha256', key.subarray(32)).update(`${eventId}\u0000${path}\u0000${plaintext}`).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', key.subarray(0, 32), iv);
  cipher.setAAD(associatedData(subjectId, eventId, path));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${encodeURIComponent(subjectId)}:${eventId}:${encodeURIComponent(path)}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/** The parts of a sealed string, or undefined if it is not one. */
export function parseSealed(value: string): SealedField | undefined {
  if (!value.startsWith(SEALED_PREFIX)) return undefined;
  const parts = value.slice(SEALED_PREFIX.length).split(':');
  if (parts.length !== 5) return undefined;
  const [subject, eventId, path, iv, body] = parts;
  try {
    const field = { subjectId: decodeURIComponent(subject), eventId, path: decodeURIComponent(path), iv: Buffer.from(iv, 'base64url'), body: Buffer.from(body, 'base64url') };
    return field.iv.length === 12 && field.body.length >= 16 ? field : undefined;
  } catch {
    return undefined;
  }
}

/** The plaintext, or undefined when the key does not open it (another key, or altered). */
export function open(key: Buffer, field: SealedField): string | undefined {
  checkKey(key);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.subarray(0, 32), field.iv);
    decipher.setAAD(associatedData(field.subjectId, field.eventId, field.path));
    decipher.setAuthTag(field.body.subarray(field.body.length - 16));
    return Buffer.concat([decipher.update(field.body.subarray(0, field.body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

const associatedData = (subjectId: string, eventId: string, path: string) => Buffer.from(`${SEALED_PREFIX}${subjectId}\u0000${eventId}\u0000${path}`, 'utf8');

function checkKey(key: Buffer): void {
  if (key.length !== DATA_KEY_BYTES) throw new Error(`A data key has ${DATA_KEY_BYTES} bytes, got ${key.length}`);
}
