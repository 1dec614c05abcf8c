/** Dependency rules the test command enforces (`npm run depcheck`). */
module.exports = {
  forbidden: [
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
