/** Dependency rules the test command enforces (`npm run depcheck`). */
module.exports = {
  forbidden: [
    {
      name: 'agency-kit-stands-alone',
      comment: 'packages/agency-kit is installed outside this repository: its sources import only each other, Node and its own dependencies (kafkajs types, cli-progress).',
      severity: 'error',
      from: { path: '^packages/agency-kit/src/' },
      to: { pathNot: ['^packages/agency-kit/src/', '^node_modules/(kafkajs|cli-progress|@types/node|@types/cli-progress)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'nothing-imports-the-kit-but-tests-and-examples',
      comment: 'The backbone does not run on the kit: only the kit\'s tests, the contract tests and the examples use it.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.(spec|int-spec)\\.ts$' },
      to: { path: '^packages/agency-kit/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'libs/domain holds deciders only: no framework, no driver, no Node I/O.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: {
        path: [
          '^node_modules/@nestjs/', '^node_modules/(pg|pg-[a-z]+|@electric-sql|kafkajs|@eventstore|jose|express)/',
          'node_modules/(rxjs|class-validator|class-transformer)/',
        ],
      },
    },
    {
      name: 'domain-no-node-io',
      comment: 'libs/domain may not touch the file system, network, processes or clocks of Node.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { dependencyTypes: ['core'], path: '^(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads|os|process|readline|node:.*)$' },
    },
    // The library layers, bottom to top (each may import only what is below it, never a sibling):
    //   domain, event-store, observability   base: import no other lib
    //   policy, config                        domain only
    //   projections, audit, privacy           domain, policy, event-store, observability
    //   messaging                             the above, and config
    //   schema                                assembles the migrations of the libs below; only apps import it
    //   apps                                  anything (libs-do-not-import-apps below)
    // libs/testing (test containers) is below them all, for test code only (testing-only-from-test-code),
    // so the rules below let any lib's testing/ helpers import it.
    {
      name: 'layer-domain-imports-no-lib',
      comment: 'libs/domain is the bottom layer: it imports no other lib (every other layer builds on it).',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^libs/', pathNot: '^libs/(domain|testing)/' },
    },
    {
      name: 'layer-event-store-imports-no-lib',
      comment: 'libs/event-store is base infrastructure (the log and its SQL clients): it imports no other lib; the whole schema is assembled above it, in libs/schema.',
      severity: 'error',
      from: { path: '^libs/event-store/' },
      to: { path: '^libs/', pathNot: '^libs/(event-store|testing)/' },
    },
    {
      name: 'layer-observability-imports-no-lib',
      comment: 'libs/observability is base infrastructure (tracing, metrics): it imports no other lib.',
      severity: 'error',
      from: { path: '^libs/observability/' },
      to: { path: '^libs/', pathNot: '^libs/(observability|testing)/' },
    },
    {
      name: 'layer-testing-imports-no-lib',
      comment: 'libs/testing (test containers) knows no other lib, so any lib\'s tests may use it.',
      severity: 'error',
      from: { path: '^libs/testing/' },
      to: { path: '^libs/', pathNot: '^libs/testing/' },
    },
    {
      name: 'testing-only-from-test-code',
      comment: 'libs/testing is for tests: only spec files (excluded here) and testing/ folders may import it, never running code.',
      severity: 'error',
      from: { pathNot: '/testing/' },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'layer-policy-imports-only-domain',
      comment: 'libs/policy may import only libs/domain: the legal-basis rules decide from facts they are given, with no store, no telemetry, no settings reader.',
      severity: 'error',
      from: { path: '^libs/policy/' },
      to: { path: '^libs/', pathNot: '^libs/(policy|domain|testing)/' },
    },
    {
      name: 'layer-config-imports-only-domain',
      comment: 'libs/config (settings read from the environment, the agency directory) may import only libs/domain: every layer that needs a setting may import config, so config may import none of them.',
      severity: 'error',
      from: { path: '^libs/config/' },
      to: { path: '^libs/', pathNot: '^libs/(config|domain|testing)/' },
    },
    {
      name: 'layer-projections-below-messaging',
      comment: 'libs/projections may import only domain, policy and the infrastructure event-store and observability: not audit (its sibling), not messaging or schema (above it), not config (it is given its settings).',
      severity: 'error',
      from: { path: '^libs/projections/' },
      to: { path: '^libs/', pathNot: '^libs/(projections|domain|policy|event-store|observability|testing)/' },
    },
    {
      name: 'layer-audit-below-messaging',
      comment: 'libs/audit may import only domain, policy and the infrastructure event-store and observability: not projections (its sibling), not messaging or schema (above it), not config (it is given its settings).',
      severity: 'error',
      from: { path: '^libs/audit/' },
      to: { path: '^libs/', pathNot: '^libs/(audit|domain|policy|event-store|observability|testing)/' },
    },
    {
      name: 'layer-privacy-below-messaging',
      comment: 'libs/privacy (the personal-data codec and the key store) may import only domain, policy and the infrastructure event-store and observability: not projections or audit (its siblings), not messaging or schema (above it), not config (it is given its settings).',
      severity: 'error',
      from: { path: '^libs/privacy/' },
      to: { path: '^libs/', pathNot: '^libs/(privacy|domain|policy|event-store|observability|testing)/' },
    },
    {
      name: 'layer-messaging-below-schema-and-apps',
      comment: 'libs/messaging may import the layers below it (domain, policy, projections, audit) and event-store, observability, config: it may not import schema (which imports messaging\'s migration).',
      severity: 'error',
      from: { path: '^libs/messaging/' },
      to: { path: '^libs/', pathNot: '^libs/(messaging|domain|policy|projections|audit|privacy|event-store|observability|config|testing)/' },
    },
    {
      name: 'layer-schema-below-apps',
      comment: 'libs/schema sits above every lib that owns tables and assembles their migrations into one list; it reads no settings (config). Only apps import it.',
      severity: 'error',
      from: { path: '^libs/schema/' },
      to: { path: '^libs/config/' },
    },
    {
      name: 'config-imports-no-feature',
      comment: 'apps/api/src/platform/config reads the environment for the whole API, so every feature imports it: it may import only apps/api/src/platform/config/ itself and libs (a feature folder here would run an arrow back up). A feature\'s settings reader lives in config/.',
      severity: 'error',
      from: { path: '^apps/api/src/platform/config/' },
      to: { path: '^apps/', pathNot: '^apps/api/src/platform/config/' },
    },
    {
      name: 'config-needs-no-package',
      comment: 'libs/config and apps/api/src/platform/config are plain environment and file parsing with Node alone: no framework, driver or client (kafkajs, pg, jose, @nestjs/…); the code that uses a setting adapts it to its client.',
      severity: 'error',
      from: { path: '^(libs/config|apps/api/src/platform/config)/' },
      to: { path: 'node_modules/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      comment: 'What two apps share lives in a lib (e.g. libs/config), so each app deploys on its own.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'api-plumbing-imports-no-feature',
      comment: 'Inside apps/api, the shared plumbing under platform/ (auth, http, commands, store, observability, config) serves every feature and so imports none: '
        + 'a feature folder (subjects, consents, reads, inbox, ...) depends on the plumbing, never the reverse.',
      severity: 'error',
      from: { path: '^apps/api/src/platform/' },
      to: { path: '^apps/api/src/', pathNot: '^apps/api/src/platform/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$|\\.int-spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
