/**
 * What a caller-chosen token may be (an Idempotency-Key, a correlation id, a request id, an inbox
 * message id): 1–200 visible ASCII characters. One rule for HTTP and the inbox, since a message and
 * an HTTP request with the same key are the same request.
 */
export const VISIBLE_TOKEN = /^[\x21-\x7e]{1,200}$/;

export const isVisibleToken = (value: unknown): value is string => typeof value === 'string' && VISIBLE_TOKEN.test(value);
