import { randomUUID } from 'node:crypto';
import { validationPipe } from '../app.module';
import { contactBody, consentBody, referralBody, subjectBody } from '../testing/api-harness';
import { describeError } from '../http/error.filter';
import { INBOX_COMMANDS } from './inbox-commands';
import { messageIdOf, parseInboxMessage, toBusMessage } from './inbox-message';

const S = randomUUID();
const R = randomUUID();
const C = randomUUID();
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const message = (type: string, data: object, extra: object = {}) => bytes({ id: `m-${randomUUID()}`, type, actor: 'kari', data, ...extra });
const parse = (value: Buffer | null) => parseInboxMessage(value, validationPipe);
/** What HTTP would answer for the refusal the message gets. */
const refusal = async (value: Buffer | null) => {
  const error = await parse(value).then(() => undefined, (e: unknown) => e);
  if (!error) throw new Error('the message was accepted');
  return describeError(error)!;
};

describe('inbox messages: parsed and validated like their HTTP twins', () => {
  // One valid `data` per command type: the HTTP body plus the ids of the URL.
  const valid: Record<string, object> = {
    RegisterSubject: subjectBody(),
    GrantResidence: { subjectId: S, familyReunification: true, municipality: '0301', grantedOn: '2026-11-01' },
    LinkHousehold: { subjectId: S, memberId: randomUUID(), relation: 'child' },
    RecordContact: { ...contactBody(), subjectId: S },
    GiveConsent: { ...consentBody(), subjectId: S },
    WithdrawConsent: { subjectId: S, consentId: C, reason: 'changed mind' },
    SendReferral: referralBody(S),
    AcknowledgeReferral: { referralId: R },
    AcceptReferral: { referralId: R, note: 'we take it' },
    DeclineReferral: { referralId: R, reason: 'not ours', suggestedAgency: 'nav-oslo' },
    CompleteReferral: { referralId: R, outcome: 'assessed' },
  };

  it('covers every command an agency system publishes, and each builds the command its HTTP endpoint dispatches', async () => {
    expect(Object.keys(INBOX_COMMANDS).sort()).toEqual(Object.keys(valid).sort());
    for (const [type, data] of Object.entries(valid)) {
      const parsed = await parse(message(type, data));
      const bus = toBusMessage(parsed, 'oslo-refugee');
      expect({ type, command: bus.command.type }).toEqual({ type, command: type });
      expect(bus.command.metadata).toMatchObject({ agency: 'oslo-refugee', actor: 'kari' });
      expect(bus.context).toMatchObject({ agency: 'oslo-refugee', actor: 'kari', idempotencyKey: parsed.id, correlationId: parsed.id });
      // Every field of `data` reaches the command, ids included.
      expect(bus.command.data).toMatchObject(type === 'SendReferral' ? { ...data, basis: { kind: 'legal', entryId: 'pa-13b-5' } } : data);
    }
  });

  it('keeps the agency out of the message: the topic decides it', async () => {
    const parsed = await parse(message('RecordContact', valid.RecordContact));
    expect(toBusMessage(parsed, 'oslo-health').context.agency).toBe('oslo-health');
    expect(await refusal(message('RecordContact', valid.RecordContact, { agency: 'oslo-health' }))).toMatchObject({ details: ['property agency should not exist'] });
  });

  it('refuses wrong types and unknown fields, naming every field, as HTTP does (400 REQUEST.INVALID)', async () => {
    const body = await refusal(message('RecordContact', { ...valid.RecordContact, interpreterUsed: 'yes', channel: 'pigeon', nickname: 'x' }));
    expect(body).toMatchObject({ statusCode: 400, error: 'REQUEST.INVALID' });
    expect(body.details).toEqual(expect.arrayContaining(['property nickname should not exist', 'interpreterUsed must be a boolean value']));
    expect(body.details).toEqual(expect.arrayContaining([expect.stringMatching(/^channel must be one of/)]));
    expect(body.message).toMatch(/^Invalid request: /);
  });

  it('refuses a missing or malformed id of the URL (subjectId, consentId, referralId)', async () => {
    const { subjectId: _, ...noSubject } = valid.RecordContact as Record<string, unknown>;
    expect((await refusal(message('RecordContact', noSubject))).details).toEqual(['subjectId must be a UUID']);
    expect((await refusal(message('WithdrawConsent', { subjectId: S, consentId: 'c-1' }))).details).toEqual(['consentId must be a UUID']);
    expect((await refusal(message('AcknowledgeReferral', { referralId: R, note: 'x' }))).details).toEqual(['property note should not exist']);
  });

  it('refuses what is not JSON, not an object, or not a known command', async () => {
    expect(await refusal(bytes('{"id": "m-1", "type": RecordContact'))).toMatchObject({ statusCode: 400, error: 'REQUEST.MALFORMED_JSON' });
    expect(await refusal(null)).toMatchObject({ statusCode: 400, error: 'REQUEST.MALFORMED_JSON' });
    expect(await refusal(bytes([1, 2]))).toMatchObject({ error: 'REQUEST.INVALID', details: ['message must be a JSON object'] });
    expect(await refusal(message('EraseEverything', {}))).toMatchObject({ statusCode: 400, error: 'INBOX.UNKNOWN_COMMAND' });
    expect(await refusal(message('toString', {}))).toMatchObject({ error: 'INBOX.UNKNOWN_COMMAND' });
  });

  it('refuses an envelope without a usable id, actor or data', async () => {
    const body = await refusal(bytes({ id: 'has space', type: 'RecordContact', actor: '', data: [] }));
    expect(body.details).toEqual(['id must be 1–200 visible ASCII characters', 'actor must be a string of 1–200 characters', 'data must be an object']);
    expect(messageIdOf(bytes({ id: 'has space' }))).toBeUndefined();
    expect(messageIdOf(bytes({ id: 'm-7', type: 'x' }))).toBe('m-7');
    expect(messageIdOf(bytes('not json'))).toBeUndefined();
  });

  it('hashes a message as its HTTP twin: the same data in any order is the same request; other data is not', async () => {
    const data = valid.RecordContact as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(data).reverse());
    const a = await parse(message('RecordContact', data));
    const b = await parse(message('RecordContact', reordered, { actor: 'someone-else' }));
    const c = await parse(message('RecordContact', { ...data, summary: 'another summary' }));
    expect(b.requestHash).toBe(a.requestHash);
    expect(c.requestHash).not.toBe(a.requestHash);
  });
});
