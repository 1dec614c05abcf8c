import { CommandClient, ConflictError, InvalidRequestError, RateLimitedError, UnavailableError } from '../src';

/** A fetch that answers from a script and records what it was sent. */
function scripted(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>) {
  const sent: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }> = [];
  const fetch = (async (input: URL | string, init: RequestInit) => {
    sent.push({ url: String(input), method: String(init.method), headers: init.headers as Record<string, string>, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

const data = {
  subjectId: '0b9d7e3c-1f7a-4d2b-8c6e-4a5b3c2d1e0f', contactId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', occurredAt: '2026-11-20T09:30:00Z',
  channel: 'in_person' as const, categories: ['contact_log' as const], summary: 'Follow-up', concerns: [], interpreterUsed: false,
};
const created = { status: 201, body: { streamId: 'contact-x', nextRevision: 3, position: 10, events: [{ id: 'e', type: 'ContactRecorded' }], replayed: false }, headers: { etag: '"3"' } };

describe('CommandClient', () => {
  it('posts the data to the command\'s route, the URL\'s ids taken out of the body, with an Idempotency-Key and If-Match', async () => {
    const { fetch, sent } = scripted([created]);
    const result = await new CommandClient({ url: 'http://backbone', token: 'T', fetch }).send('RecordContact', data, { ifMatch: 2 });
    expect(result).toMatchObject({ nextRevision: 3, etag: '"3"', replayed: false });
    const { subjectId, ...body } = data;
    expect(sent).toEqual([{
      url: `http://backbone/subjects/${subjectId}/contacts`, method: 'POST', body,
      headers: expect.objectContaining({ authorization: 'Bearer T', 'if-match': '"2"', 'idempotency-key': expect.stringMatching(/^[0-9a-f-]{36}$/) }),
    }]);
  });

  it('retries 503 and 429 with the same Idempotency-Key, honouring Retry-After, and gives up with a typed error', async () => {
    const { fetch, sent } = scripted([{ status: 503, body: { error: 'HEALTH.NOT_READY', message: 'starting' } }, { status: 429, body: { error: 'RATE_LIMITED', message: 'slow down' }, headers: { 'retry-after': '0' } }, created]);
    await new CommandClient({ url: 'http://backbone', token: () => 'T', fetch, retryDelayMs: 1 }).send('RecordContact', data, { idempotencyKey: 'my-record-1' });
    expect(sent.map((s) => s.headers['idempotency-key'])).toEqual(['my-record-1', 'my-record-1', 'my-record-1']);

    const down = scripted([{ status: 503, body: { error: 'HEALTH.NOT_READY', message: 'x' } }, { status: 503, body: { error: 'HEALTH.NOT_READY', message: 'x' } }]);
    await expect(new CommandClient({ url: 'http://b', token: 'T', fetch: down.fetch, maxAttempts: 2, retryDelayMs: 1 }).send('RecordContact', data)).rejects.toBeInstanceOf(UnavailableError);
    const limited = scripted([{ status: 429, body: { error: 'RATE_LIMITED', message: 'x' } }]);
    await expect(new CommandClient({ url: 'http://b', token: 'T', fetch: limited.fetch, maxAttempts: 1 }).send('RecordContact', data)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('does not retry a refusal, and throws it with the backbone\'s code and field errors', async () => {
    const invalid = scripted([{ status: 400, body: { error: 'REQUEST.INVALID', message: 'channel must be one of …', details: [{ field: 'channel' }] } }]);
    const error = await new CommandClient({ url: 'http://b', token: 'T', fetch: invalid.fetch }).send('RecordContact', data).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, code: 'REQUEST.INVALID', details: [{ field: 'channel' }] });
    expect(invalid.sent).toHaveLength(1);
    const stale = scripted([{ status: 409, body: { error: 'STREAM.WRONG_REVISION', message: 'moved on' } }]);
    await expect(new CommandClient({ url: 'http://b', token: 'T', fetch: stale.fetch }).send('RecordContact', data, { ifMatch: '"1"' })).rejects.toMatchObject({ name: 'ConflictError', code: 'STREAM.WRONG_REVISION' });
    expect(stale.sent[0].headers['if-match']).toBe('"1"');
    expect(ConflictError.name).toBe('ConflictError');
  });
});
