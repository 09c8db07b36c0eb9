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
      comment: 'only the entry points (src/main.ts, src/server.ts, src/cli/main.ts) compose the edges; the console takes API types (types only, see below)',
      severity: 'error',
      from: { pathNot: '^(src/(main|server)\\.ts|src/(http|cli|console)/)' },
      to: { path: '^src/(http|cli)/' },
    },
    {
      name: 'console-is-an-api-client',
      comment: 'the console talks to the engine over HTTP only; it may take the API types from the shared zod schemas',
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^(src|projections)/', pathNot: '^src/console/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-the-console',
      severity: 'error',
      from: { pathNot: '^src/console/' },
      to: { path: '^src/console/' },
      comment: 'the console is built to static files; only its tests read its pure helpers',
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
