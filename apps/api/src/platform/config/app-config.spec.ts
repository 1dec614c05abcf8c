import { resolve } from 'node:path';
import { loadConfig } from './app-config';

describe('RELAY_IN_PROCESS', () => {
  it('hosts the relay in the API on the embedded store and not with PostgreSQL, unless told otherwise', () => {
    expect(loadConfig({}).relayInProcess).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).relayInProcess).toBe(false);
    expect(loadConfig({ RELAY_IN_PROCESS: 'false' }).relayInProcess).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', RELAY_IN_PROCESS: 'true' }).relayInProcess).toBe(true);
  });

  it('refuses a value that is not true or false, so a typo does not silently change where the relay runs', () => {
    expect(() => loadConfig({ RELAY_IN_PROCESS: 'yes' })).toThrow('RELAY_IN_PROCESS must be true or false');
  });
});

describe('CUSTOM_PROJECTIONS', () => {
  it('is a comma-separated list of module paths, relative ones from the working directory, each once', () => {
    expect(loadConfig({}).customProjections).toEqual([]);
    expect(loadConfig({ CUSTOM_PROJECTIONS: ' examples/a.js, /opt/b.mjs ,,examples/a.js' }).customProjections).toEqual([resolve('examples/a.js'), '/opt/b.mjs']);
  });
});
