/** Folder rules of docs/architecture.md, checked on every `npm test`. */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'pure-core-no-io',
      comment: 'projections/ and src/events/ are pure: no node built-ins (fs, net, crypto, child_process ...)',
      severity: 'error',
      from: { path: '^(projections|src/events)/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(util)$' },
    },
    {
      name: 'pure-core-imports',
      severity: 'error',
      from: { path: '^(projections|src/events)/' },
      to: { path: '^src/', pathNot: '^src/events/' },
    },
    {
      name: 'projections-only-from-events',
      severity: 'error',
      from: { path: '^projections/' },
      to: { dependencyTypes: ['npm'], pathNot: 'node_modules/(zod|fp-ts)/' },
    },
    {
      name: 'events-only-zod-fp-ts-uuid',
      severity: 'error',
      from: { path: '^src/events/' },
      to: { dependencyTypes: ['npm'], pathNot: 'node_modules/(zod|fp-ts|uuid)/' },
    },
    {
      name: 'store-does-not-know-intake-or-http',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^(src/(intake|http|cli|runner|read-model)|projections)/' },
    },
    {
      name: 'nothing-imports-http-or-cli',
      comment: 'only the entry points (src/main.ts, src/server.ts, src/cli/main.ts) compose the edges',
      severity: 'error',
      from: { pathNot: '^(src/(main|server)\\.ts|src/(http|cli)/)' },
      to: { path: '^src/(http|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
