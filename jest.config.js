// Type checking runs once over the whole tree (`npm run typecheck`); jest only transpiles,
// which keeps the suite fast on a 2-core machine.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const moduleNameMapper = { '^@samhandling/agency-kit$': '<rootDir>/packages/agency-kit/src', '^@samhandling/([a-z-]+)$': '<rootDir>/libs/$1/src' };
const common = { transform, moduleNameMapper, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,packages}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,packages}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/e2e/support/build.ts' },
  ],
};
