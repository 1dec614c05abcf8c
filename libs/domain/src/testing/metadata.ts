import type { CommandMetadata } from '../shared/decider';

/** Command metadata for specs: a health agency caseworker on a fixed clock unless overridden. */
export const meta = (overrides: Partial<CommandMetadata> = {}): CommandMetadata => ({
  agency: 'health-oslo',
  actor: 'nurse-1',
  now: '2026-01-10T10:00:00Z',
  ...overrides,
});
