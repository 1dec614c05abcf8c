import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml must start only what the apps use, and tell the apps only what they read:
 * a service or a setting nothing reads (an EventStoreDB container, EVENTSTORE_URL) promises users a
 * stack that is not there. `.ci/run` also has Debian's docker-compose parse the file.
 */
const root = join(__dirname, '..', '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { build?: unknown; image?: string; environment?: Record<string, unknown>; command?: string[] }>;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.(int-)?spec\.ts$/.test(name) ? [path] : [];
  });
}
const code = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].map((f) => readFileSync(f, 'utf8')).join('\n');

describe('docker-compose.yml', () => {
  const services = compose.services;
  const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);

  it('runs the API and the relay from this repository, on PostgreSQL and Kafka, and nothing else', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'kafka', 'postgres', 'relay']);
    expect(ours.map(([name]) => name).sort()).toEqual(['api', 'relay']);
  });

  it('sets only settings the apps read', () => {
    for (const [name, service] of ours) {
      for (const variable of Object.keys(service.environment ?? {})) {
        const read = new RegExp(`\\b${variable}\\b`).test(code);
        expect({ service: name, variable, read }).toEqual({ service: name, variable, read: true });
      }
    }
  });

  it('points the apps at the services it starts', () => {
    for (const [, service] of ours) {
      expect(String(service.environment?.DATABASE_URL)).toContain('@postgres:5432/');
      expect(service.environment?.KAFKA_BROKERS).toBe('kafka:9092');
    }
  });
});
