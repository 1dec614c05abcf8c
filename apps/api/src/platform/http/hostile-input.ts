import { BadRequestException } from '@nestjs/common';

/** Deeper than any command (the deepest nests three levels); deep enough to never bother a caller. */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys that would reach an object's prototype if anything merged the body into an object. JSON.parse
 * makes them plain own properties, and class-transformer then drops them silently; refusing them
 * keeps the promise that unknown fields are refused.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// NUL, or a surrogate not part of a pair: PostgreSQL cannot store either in text or jsonb (22P05, 22P02).
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface HostileInput {
  error: 'REQUEST.UNSTORABLE_TEXT' | 'REQUEST.TOO_DEEP' | 'REQUEST.FORBIDDEN_KEY';
  message: string;
  /** Where, as field paths (`recipients.0.agency`); never the values, which may be personal data. */
  details: string[];
}

/**
 * Finds what no command may carry, in any string (keys too) at any depth: text PostgreSQL cannot
 * store, prototype keys, nesting deeper than MAX_JSON_DEPTH. A loop over an explicit stack, so a
 * body nested 10,000 levels cannot overflow the call stack here (it is refused at level 33).
 */
export function findHostileInput(value: unknown, maxDepth = MAX_JSON_DEPTH): HostileInput | undefined {
  const unstorable: string[] = [];
  const forbidden: string[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) unstorable.push(path || '(value)');
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) {
      return { error: 'REQUEST.TOO_DEEP', message: `JSON is nested deeper than ${maxDepth} levels (at ${path || '(value)'})`, details: [path || '(value)'] };
    }
    for (const key of Object.keys(current)) {
      const child = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) forbidden.push(child);
      if (UNSTORABLE.test(key)) unstorable.push(`${path ? `${path}.` : ''}(a key)`);
      stack.push({ value: (current as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  if (forbidden.length > 0) {
    return { error: 'REQUEST.FORBIDDEN_KEY', message: `Keys __proto__, constructor and prototype are not allowed: ${forbidden.join(', ')}`, details: forbidden };
  }
  if (unstorable.length > 0) {
    return {
      error: 'REQUEST.UNSTORABLE_TEXT',
      message: `Text must not contain NUL (\\u0000) or unpaired surrogates (e.g. \\ud800): ${unstorable.join(', ')}`,
      details: unstorable,
    };
  }
  return undefined;
}

/** Throws the 400 for hostile input; `name` is the parameter's, when the value is one parameter (`@Param('id')`). */
export function refuseHostileInput(value: unknown, name?: string): void {
  const found = findHostileInput(value);
  if (!found) return;
  const details = name ? found.details.map((d) => (d === '(value)' ? name : `${name}.${d}`)) : found.details;
  throw new BadRequestException({ ...found, message: name ? found.message.replaceAll('(value)', name) : found.message, details });
}
