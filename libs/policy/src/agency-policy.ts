import { createMongoAbility, type MongoAbility } from '@casl/ability';
import { consentStatusAt, recipientCovers, type AgencyKind, type DataCategory } from '@samhandling/domain';
import { JUSTIFICATION_MIN_LENGTH, type Basis, type DenialReason } from './basis';
import { covers, type LegalBasisCatalog } from './catalog/legal-basis-catalog';
import type { CitedEntry } from './catalog/catalog.types';
import { relianceOn } from './consent-reliance';
import type { Decision, DisclosableRecord, PolicyRequest } from './agency-policy.types';
import { COORDINATION_PURPOSES, coordinationRules, identityWithSignal, reliedRules, type Rule } from './agency-policy.rules';

export type { AgencyRef, DisclosableRecord, Decision, PolicyRequest } from './agency-policy.types';
export { COORDINATION_CATEGORIES, COORDINATION_PURPOSES } from './agency-policy.rules';

type Ability = MongoAbility;
const ALL_FIELDS = undefined;

/**
 * A CASL ability for one (agency, person, purpose, moment), deny by default. Rule order carries
 * the law's precedence: CASL lets later rules win, so objections come after ordinary bases and
 * before the bases that override an objection (duty to notify, emergency).
 */
export class AgencyPolicy {
  private constructor(
    readonly ability: Ability,
    private readonly denials: ReadonlyMap<DataCategory, DenialReason>,
    private readonly reviewed: ReadonlySet<string>,
    private readonly reasons: ReadonlyMap<string, Basis>,
    /** Categories an active consent names the requester for, which a discloser has not (yet) been able to rely on. */
    private readonly unconfirmed: ReadonlySet<DataCategory>,
  ) {}

  static build(catalog: LegalBasisCatalog, request: PolicyRequest): AgencyPolicy {
    const { requester: me, state, purpose, at } = request;
    const entries = catalog
      .applicable({ toKind: me.kind, purpose, at, initiative: request.initiative })
      .filter((e) => !e.justificationRequired || (request.justification?.trim().length ?? 0) >= JUSTIFICATION_MIN_LENGTH)
      .filter((e) => !e.sameMunicipality || (me.municipality !== null && me.municipality === state.residenceMunicipality))
      .filter((e) => !e.requiresInvolvement || state.involved?.[me.id] === true);
    const fromIds = (e: CitedEntry) => request.agencies.filter((a) => (e.from as AgencyKind[]).includes(a.kind)).map((a) => a.id);
    const legal = (e: CitedEntry): Rule[] => {
      const conditions: Record<string, unknown> = {};
      if (e.from !== '*') conditions.ownerAgency = { $in: fromIds(e) };
      if (e.requiresCategory) conditions.categories = { $all: [e.requiresCategory] };
      const reason = JSON.stringify({ kind: 'legal', entryId: e.id, version: e.version } satisfies Basis);
      const rule: Rule = {
        action: 'read', subject: 'Record', fields: e.categories === '*' ? ALL_FIELDS : [...e.categories],
        ...(Object.keys(conditions).length > 0 ? { conditions } : {}), reason,
      };
      return [rule, ...identityWithSignal(e, state, e.from === '*' ? undefined : fromIds(e), reason)];
    };
    const consentVersion = catalog.currentVersion;
    const rules: Rule[] = [{ action: 'read', subject: 'Record', conditions: { ownerAgency: me.id }, reason: JSON.stringify({ kind: 'own' } satisfies Basis) }];
    rules.push(...entries.filter((e) => !e.overridesObjection).flatMap(legal));

    const denials = new Map<DataCategory, DenialReason>();
    const unconfirmed = new Set<DataCategory>();
    const namingMe: string[] = [];
    for (const [consentId, c] of Object.entries(state.consent.consents)) {
      if (!c.recipients.some((r) => recipientCovers(r, me.id, me.kind))) continue;
      if (c.decision === 'permit') namingMe.push(consentId);
      if (!covers(c.purposes, purpose)) continue;
      const status = consentStatusAt(c, at);
      if (status !== 'active') {
        const reason: DenialReason = status === 'withdrawn' ? 'consent_withdrawn' : status === 'not_yet_valid' ? 'consent_not_yet_valid' : 'consent_expired';
        if (c.decision === 'permit') for (const cat of c.categories) if (!denials.has(cat)) denials.set(cat, reason);
        continue;
      }
      if (c.decision === 'permit') {
        const reason = JSON.stringify({ kind: 'consent', consentId, entryId: 'consent', version: consentVersion } satisfies Basis);
        rules.push(...reliedRules(c.categories, relianceOn(c, catalog, request.agencies), reason));
        for (const cat of c.categories) unconfirmed.add(cat);
      }
    }
    const referralsToMe = Object.entries(state.referrals).filter(([, r]) => r.to === me.id);
    for (const [referralId, r] of referralsToMe) {
      rules.push({ action: 'read', subject: 'Record', conditions: { kind: 'referral', referralId }, reason: JSON.stringify({ kind: 'referral', referralId, referralBasis: r.basis } satisfies Basis) });
    }
    if (COORDINATION_PURPOSES.includes(purpose)) rules.push(...coordinationRules(catalog, state, me, at, request.agencies));
    // A consent that names an agency is shown to it, so it can cite it: each on itself, not on the first naming it.
    for (const consentId of namingMe) {
      rules.push({ action: 'read', subject: 'Record', conditions: { kind: 'consent', consentId }, reason: JSON.stringify({ kind: 'consent', consentId, entryId: 'consent', version: consentVersion } satisfies Basis) });
    }
    for (const [consentId, c] of Object.entries(state.consent.consents)) {
      if (c.decision !== 'deny' || consentStatusAt(c, at) !== 'active' || !covers(c.purposes, purpose)) continue;
      if (!c.recipients.some((r) => recipientCovers(r, me.id, me.kind))) continue;
      rules.push({ action: 'read', subject: 'Record', fields: [...c.categories], conditions: { ownerAgency: { $ne: me.id } }, inverted: true, reason: JSON.stringify({ objection: consentId }) });
      for (const cat of c.categories) denials.set(cat, 'objection');
    }
    rules.push(...entries.filter((e) => e.overridesObjection).flatMap(legal));
    const reviewed = new Set(entries.filter((e) => e.reviewRequired).map((e) => e.id));
    const reasons = new Map(rules.filter((r) => !r.inverted).map((r) => [r.reason!, JSON.parse(r.reason!) as Basis]));
    // Every object checked is a DisclosableRecord, so no subject() wrapper (and no copy) is needed.
    const ability = createMongoAbility<Ability>(rules, { detectSubjectType: () => 'Record' });
    return new AgencyPolicy(ability, denials, reviewed, reasons, unconfirmed);
  }

  /** Decides one record: which of its categories may be disclosed, and on which bases. */
  decide(record: DisclosableRecord): Decision {
    const permitted: DataCategory[] = [];
    const bases: Basis[] = [];
    let denial: DenialReason | undefined;
    let review = false;
    for (const category of record.categories) {
      const rule = this.ability.relevantRuleFor('read', record as never, category);
      if (rule && !rule.inverted) {
        permitted.push(category);
        const basis = this.reasons.get(rule.reason!)!;
        if (!bases.includes(basis)) {
          bases.push(basis);
          if (basis.kind === 'legal' && this.reviewed.has(basis.entryId)) review = true;
        }
      } else {
        // A consent names the requester for this category, yet no rule matched: its discloser cannot rely on it.
        denial ??= rule?.inverted ? 'objection' : this.unconfirmed.has(category) ? 'consent_not_confirmed' : (this.denials.get(category) ?? 'no_basis');
      }
    }
    const decision: Decision = { allowed: permitted.length > 0 && permitted.length === record.categories.length, permittedCategories: permitted, bases, reviewRequired: review };
    if (denial) decision.denial = denial;
    return decision;
  }
}
