import { loadConfig } from './app-config';

describe('scheduler settings', () => {
  it('runs by default, every 5 s, telling the coordinator too', () => {
    expect(loadConfig({}).scheduler).toEqual({ enabled: true, intervalMs: 5_000, escalateToCoordinator: true });
  });

  it('reads SCHEDULER_ENABLED, SCHEDULER_INTERVAL_MS and ESCALATE_TO_COORDINATOR', () => {
    expect(loadConfig({ SCHEDULER_ENABLED: 'false', SCHEDULER_INTERVAL_MS: '250', ESCALATE_TO_COORDINATOR: 'false' }).scheduler)
      .toEqual({ enabled: false, intervalMs: 250, escalateToCoordinator: false });
  });

  it.each([
    [{ SCHEDULER_ENABLED: 'no' }, /SCHEDULER_ENABLED must be true or false/],
    [{ ESCALATE_TO_COORDINATOR: 'ja' }, /ESCALATE_TO_COORDINATOR must be true or false/],
    [{ SCHEDULER_INTERVAL_MS: '5s' }, /SCHEDULER_INTERVAL_MS must be a whole number/],
    [{ SCHEDULER_INTERVAL_MS: '0' }, /at least 10/],
  ])('refuses %j at start-up rather than guess', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
