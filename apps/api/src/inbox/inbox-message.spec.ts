import { randomUUID } from 'node:crypto';
import { validationPipe } from '../app.module';
import { contactBody, consentBody, referralBody, subjectBody } from '../testing/api-harness';
import { ReReferralMessage, SubjectCommandMessage } from '../platform/commands/command-message';
import { describeError } from '../platform/http/error.filter';
import { COMMANDS } from '../command-catalog';
import { writerOf } from '../platform/commands/command-declaration';
import { INBOX_COMMANDS } from './inbox-commands';
import { messageIdOf, parseInboxMessage, toBusMessage } from './inbox-message';

const S = randomUUID();
const R = randomUUID();
const C = randomUUID();
const NEW_R = randomUUID();
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
    ConfirmConsent: { subjectId: S, consentId: C, note: 'form seen' },
    RejectConsent: { subjectId: S, consentId: C, reason: 'no form on file' },
    SendReferral: referralBody(S),
    AcknowledgeReferral: { referralId: R },
    AcceptReferral: { referralId: R, note: 'we take it' },
    DeclineReferral: { referralId: R, reason: 'not ours', suggestedAgency: 'nav-oslo' },
    CompleteReferral: { referralId: R, outcome: 'assessed' },
    DesignateCoordinator: { subjectId: S, agency: 'oslo-refugee', caseworker: 'Kari', basis: { kind: 'consent', consentId: C } },
    ReReferReferral: { declinedReferralId: R, referralId: NEW_R, to: 'nav-oslo', acknowledgeBy: '2026-11-04T12:00:00Z', answerBy: '2026-11-15T12:00:00Z' },
  };
  /** A declaration's own inbox example stands in for a sample here. */
  const samples: Record<string, object> = {
    ...Object.fromEntries(COMMANDS.flatMap((d) => {
      const example = d.inbox?.examples?.[0] as { payload?: { data?: object } } | undefined;
      return example?.payload?.data ? [[d.name, example.payload.data]] : [];
    })),
    ...valid,
  };
  /** What each command's `data` becomes in the domain command, where it is not the same fields. */
  const asCommand: Record<string, (data: Record<string, unknown>) => object> = {
    SendReferral: (data) => ({ ...data, basis: { kind: 'legal', entryId: 'pa-13b-5' } }),
  };

  it('covers every command an agency system publishes, and each builds the command its HTTP endpoint dispatches', async () => {
    expect(Object.keys(INBOX_COMMANDS).sort()).toEqual(Object.keys(samples).sort());
    for (const [type, data] of Object.entries(samples)) {
      const parsed = await parse(message(type, data));
      const bus = toBusMessage(parsed, 'oslo-refugee');
      if (bus instanceof ReReferralMessage) continue; // not one aggregate's command: its own test below
      // The domain command built is the one whose writer rule the declaration names (an objection is a deny GiveConsent).
      const writer = writerOf(COMMANDS.find((d) => d.name === type)!);
      expect({ type, command: bus.command.type }).toEqual({ type, command: writer });
      expect(bus.command.metadata).toMatchObject({ agency: 'oslo-refugee', actor: 'kari' });
      expect(bus.context).toMatchObject({ agency: 'oslo-refugee', actor: 'kari', idempotencyKey: parsed.id, correlationId: parsed.id });
      // Every field of `data` reaches the command, ids included (a command built as another's maps its
      // fields onto that one's: its own spec shows how).
      if (writer === type) expect(bus.command.data).toMatchObject(asCommand[type]?.(data as Record<string, unknown>) ?? data);
    }
  });

  it('re-refers: the declined referral is the URL\'s id (declinedReferralId), the body\'s referralId is the new one', async () => {
    const parsed = await parse(message('ReReferReferral', valid.ReReferReferral));
    expect(parsed.command.path(parsed.params)).toBe(`/referrals/${R}/re-referral`);
    const bus = toBusMessage(parsed, 'oslo-refugee');
    expect(bus).toBeInstanceOf(ReReferralMessage);
    const { declinedReferralId, ...input } = valid.ReReferReferral as Record<string, unknown>;
    expect(bus).toMatchObject({ declinedReferralId, input, context: { agency: 'oslo-refugee', actor: 'kari', idempotencyKey: parsed.id } });
    // What the declined referral supplies (subject, reason, basis, categories) is not the message's to say.
    const { to: _, reason: __, ...minimal } = valid.ReReferReferral as Record<string, unknown>;
    expect((toBusMessage(await parse(message('ReReferReferral', minimal)), 'oslo-refugee') as ReReferralMessage).input).toEqual({ referralId: NEW_R, acknowledgeBy: minimal.acknowledgeBy, answerBy: minimal.answerBy });
    expect((await refusal(message('ReReferReferral', { ...minimal, subjectId: S, categories: ['health'] }))).details).toEqual(
      expect.arrayContaining(['property subjectId should not exist', 'property categories should not exist']),
    );
  });

  it('re-refers only with both ids, and valid deadlines and recipient', async () => {
    const { declinedReferralId: _, ...noDeclined } = valid.ReReferReferral as Record<string, unknown>;
    // A system that puts the declined referral's id in `referralId` names no declined referral.
    expect((await refusal(message('ReReferReferral', noDeclined))).details).toEqual(['declinedReferralId must be a UUID']);
    const body = await refusal(message('ReReferReferral', { declinedReferralId: R, to: 'Oslo Health', acknowledgeBy: 'soon', answerBy: '2026-11-15T12:00:00Z' }));
    expect(body).toMatchObject({ statusCode: 400, error: 'REQUEST.INVALID' });
    expect(body.details).toEqual(expect.arrayContaining(['referralId must be a UUID', 'to must be an agency id', expect.stringMatching(/^acknowledgeBy must be YYYY-MM-DD or an RFC 3339 date-time/)]));
  });

  it('designates a coordinator as HTTP does: the basis reduced to its kind\'s id, no caseworker unless given', async () => {
    const parsed = await parse(message('DesignateCoordinator', { subjectId: S, agency: 'nav-oslo', basis: { kind: 'legal', entryId: 'pa-13b-5', consentId: C } }));
    expect(parsed.command.path(parsed.params)).toBe(`/subjects/${S}/coordinator`);
    const bus = toBusMessage(parsed, 'oslo-refugee') as SubjectCommandMessage;
    expect(bus).toBeInstanceOf(SubjectCommandMessage);
    expect(bus.command).toMatchObject({ type: 'DesignateCoordinator', metadata: { agency: 'oslo-refugee', actor: 'kari' } });
    expect(bus.command.data).toEqual({ subjectId: S, agency: 'nav-oslo', basis: { kind: 'legal', entryId: 'pa-13b-5' } });
  });

  it('refuses a coordinator without an agency id or a complete basis', async () => {
    const body = await refusal(message('DesignateCoordinator', { subjectId: S, agency: 'Oslo!', caseworker: '', basis: { kind: 'consent', entryId: 'x' } }));
    expect(body).toMatchObject({ statusCode: 400, error: 'REQUEST.INVALID' });
    expect(body.details).toEqual(expect.arrayContaining(['agency must be an agency id', 'basis.consentId must be a UUID', expect.stringMatching(/^caseworker must be longer/)]));
    expect((await refusal(message('DesignateCoordinator', { subjectId: S, agency: 'nav-oslo' }))).details).toEqual(expect.arrayContaining([expect.stringMatching(/^basis /)]));
    expect((await refusal(message('DesignateCoordinator', { agency: 'nav-oslo', basis: { kind: 'consent', consentId: C } }))).details).toEqual(['subjectId must be a UUID']);
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

  it('refuses hostile input as HTTP does, with the same code: unstorable text, prototype keys, deep nesting', async () => {
    const contact = valid.RecordContact as Record<string, unknown>;
    expect(await refusal(message('RecordContact', { ...contact, summary: 'a\u0000b' }))).toMatchObject({ statusCode: 400, error: 'REQUEST.UNSTORABLE_TEXT', details: ['data.summary'] });
    expect(await refusal(message('RecordContact', contact, { actor: 'kari\ud800' }))).toMatchObject({ error: 'REQUEST.UNSTORABLE_TEXT', details: ['actor'] });
    const proto = bytes(JSON.stringify({ id: 'm-p', type: 'RecordContact', actor: 'kari', data: contact }).replace('"data":{', '"data":{"__proto__":{},'));
    expect(await refusal(proto)).toMatchObject({ error: 'REQUEST.FORBIDDEN_KEY', details: ['data.__proto__'] });
    const deep = bytes(`{"id":"m-d","type":"RecordContact","actor":"kari","data":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`);
    expect(await refusal(deep)).toMatchObject({ statusCode: 400, error: 'REQUEST.TOO_DEEP' });
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
