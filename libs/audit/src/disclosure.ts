import { createHash } from 'node:crypto';
import { parse as uuidParse, v5 as uuidv5 } from 'uuid';
import type { DataCategory, Purpose } from '@samhandling/domain';
import type { Basis, DenialReason } from '@samhandling/policy';
import { canonicalJson } from './canonical-json';

export const DISCLOSURE_KINDS = ['pull', 'push', 'denial', 'break_glass'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];
export type DisclosureChannel = 'http' | 'kafka' | 'feed';

/**
 * One disclosure (or refused disclosure) of information about one person: who received what,
 * when, from whom, for which purpose, on which basis — modelled on FHIR AuditEvent
 * (agent.policy = basis) and X-Road's message log. Immutable once recorded.
 */
export interface Disclosure {
  /** Deterministic, so a re-delivery or a retried read never records twice. */
  id: string;
  kind: DisclosureKind;
  occurredAt: string;
  subjectId: string;
  /** Agencies whose records were disclosed (the owners of what was returned). */
  disclosers: string[];
  recipient: { agency: string; actor: string };
  /** What: event ids for pushes, projection and fields for reads. */
  eventIds?: string[];
  projection?: string;
  fields?: string[];
  categories: DataCategory[];
  purpose: Purpose;
  bases: Basis[];
  channel: DisclosureChannel;
  /** Point of the log the decision was made at: replaying to it decides the same. */
  logPosition: number;
  denial?: DenialReason;
  justification?: string;
}

const NAMESPACE = '2b0f4c3e-95a3-4f5e-8a8e-6f2d3c9b1e42';

/** Id of a disclosure from what makes it unique (e.g. event id + recipient, or request id). */
// As bytes: uuid would otherwise parse the namespace and re-encode the name on every call (the
// relay makes one id per delivery). The same UTF-8 bytes, so the same ids as ever.
const NAMESPACE_BYTES = uuidParse(NAMESPACE);
export const disclosureId = (...parts: string[]): string => uuidv5(Buffer.from(parts.join('\u0000'), 'utf8'), NAMESPACE_BYTES);

export const GENESIS_HASH = '0'.repeat(64);

/** Hash of a chained record: covers its sequence number, the previous hash and every field. */
export function chainHash(seq: number, prevHash: string, disclosure: Disclosure): string {
  return createHash('sha256').update(`${seq}\n${prevHash}\n${canonicalJson(disclosure)}`).digest('hex');
}
