'use strict';
/**
 * bench/policy — what our policy decision costs next to CASL's raw check, in the same run.
 *   npm --prefix .. run build && node policy/run.js      (from bench/; or `npm run policy`)
 * For N records × M agencies, "ours" is AgencyPolicy.decide(record): one relevantRuleFor per
 * category, bases collected, review flag and denial reason. "raw" is ability.can('read', record,
 * category) for the same pairs and categories on the same ability. Both must permit exactly the
 * same categories (checked). Target: ours ≤ 2× raw.
 */
const path = require('node:path');

const { ROOT } = require('../lib/product');
const { enforce } = require('../lib/smoke');
const { AgencyPolicy, loadCatalog, evolveSubjectPolicy, initialSubjectPolicyState } = require('@samhandling/policy');

const AGENCIES = [
  ['oslo-health', 'health'], ['bergen-health', 'health'], ['oslo-refugee', 'refugee_service'], ['oslo-adult-learning', 'adult_learning'],
  ['oslo-school', 'school'], ['oslo-child-welfare', 'child_welfare'], ['nav-oslo', 'nav'], ['oslo-housing', 'housing'],
  ['red-cross-oslo', 'voluntary'], ['imdi', 'national_authority'],
].map(([id, kind]) => ({ id, kind, municipality: kind === 'national_authority' ? null : '0301' }));
const CATEGORIES = ['identity', 'residence', 'contact_log', 'health', 'education', 'welfare', 'housing', 'family_situation', 'child_welfare_concern', 'referral'];
const SUBJECT = 'subject-1';

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

function history() {
  let position = 0;
  const ev = (type, data) => ({ type, position: ++position, data: { subjectId: SUBJECT, ...data } });
  const consent = (consentId, decision, recipients, categories, extra = {}) =>
    ev('ConsentGiven', { consentId, decision, recipients, categories, purposes: ['follow_up', 'care', 'coordination'], grantor: { kind: 'self' }, validFrom: '2026-01-01T00:00:00Z', evidence: { kind: 'written' }, interpreterUsed: false, recordedBy: 'oslo-refugee', recordedAt: '2026-01-01T00:00:00Z', ...extra });
  return [
    consent('c1', 'permit', [{ agency: 'oslo-refugee' }, { agencyKind: 'voluntary' }], ['contact_log', 'health', 'education']),
    consent('c2', 'permit', [{ agencyKind: 'housing' }], ['housing', 'welfare'], { validUntil: '2026-03-01T00:00:00Z' }),
    consent('c3', 'permit', [{ agency: 'nav-oslo' }], ['education']),
    ev('ConsentWithdrawn', { consentId: 'c3', withdrawnBy: 'nav-oslo', withdrawnAt: '2026-02-01T00:00:00Z' }),
    consent('o1', 'deny', [{ agencyKind: 'health' }], ['family_situation']),
    ev('ReferralSent', { referralId: 'r1', from: 'oslo-adult-learning', to: 'oslo-health', categories: ['health'], basis: { kind: 'consent', consentId: 'c1' } }),
    ev('ResidenceGranted', { municipality: '0301', familyReunification: true }),
  ].reduce(evolveSubjectPolicy, initialSubjectPolicyState(SUBJECT));
}

function records(n) {
  return Array.from({ length: n }, (_, i) => {
    const k = 1 + Math.floor(rand() * 3);
    const categories = [...new Set(Array.from({ length: k }, () => pick(CATEGORIES)))];
    const kind = i % 10 === 0 ? 'referral' : 'contact';
    return { kind, subjectId: SUBJECT, ownerAgency: pick(AGENCIES).id, categories, ...(kind === 'referral' ? { referralId: 'r1' } : {}) };
  });
}

function time(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function main() {
  const catalog = loadCatalog(path.join(ROOT, 'libs', 'policy', 'catalog'));
  const state = history();
  const at = '2026-06-01T12:00:00Z';
  const build = () => AGENCIES.map((requester) => AgencyPolicy.build(catalog, { requester, state, purpose: 'follow_up', at, initiative: 'discloser', agencies: AGENCIES }));
  const builds = time(() => { let p; for (let i = 0; i < 200; i++) p = build(); return p; });
  const policies = builds.result;
  const recs = records(1000);
  const objects = recs;
  const rounds = 20;

  const rawRun = () => { let n = 0; for (let round = 0; round < rounds; round++) for (const p of policies) for (const o of objects) for (const c of o.categories) if (p.ability.can('read', o, c)) n++; return n; };
  const oursRun = () => { let n = 0; for (let round = 0; round < rounds; round++) for (const p of policies) for (const r of recs) n += p.decide(r).permittedCategories.length; return n; };
  rawRun(); oursRun(); // warm-up: JIT and CASL's rule index
  const raw = time(rawRun);
  const ours = time(oursRun);
  if (raw.result !== ours.result) throw new Error(`ours permitted ${ours.result} categories, raw ${raw.result}: the decisions differ`);
  const pairs = rounds * policies.length * recs.length;
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`policy decisions: ${recs.length} records × ${policies.length} agencies × ${rounds} rounds = ${fmt(pairs)} (record, agency) pairs`);
  console.log(`| check                         | pairs/s     | µs/pair |`);
  console.log(`| raw ability.can per category  | ${fmt(pairs / (raw.ms / 1000)).padStart(11)} | ${(raw.ms * 1000 / pairs).toFixed(3).padStart(7)} |`);
  console.log(`| AgencyPolicy.decide (ours)    | ${fmt(pairs / (ours.ms / 1000)).padStart(11)} | ${(ours.ms * 1000 / pairs).toFixed(3).padStart(7)} |`);
  console.log(`ability builds: ${fmt((200 * policies.length) / (builds.ms / 1000))} per second (one per agency, person, purpose and moment)`);
  const ratio = ours.ms / raw.ms;
  console.log(`overhead ours/raw: ${ratio.toFixed(2)}×  ${ratio <= 2 ? 'PASS' : 'FAIL'} (target ≤ 2×)`);
  enforce(ratio > 2);
}

main();
