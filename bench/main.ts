import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { failed, summarise, type FigureResult } from './figure.js';
import { fixtureCache } from './fixtures.js';
import { append } from './append.js';
import { catchUp } from './catch-up.js';
import { costGrowth } from './cost-growth.js';
import { fold } from './fold.js';
import { forgetUnderLoad } from './forget-under-load.js';
import { intakeHttp } from './intake-http.js';
import { largeLists } from './large-lists.js';
import { liveLag } from './live-lag.js';
import { logReaders } from './log-readers.js';
import { postgresReadModel } from './postgres-read-model.js';
import { queries } from './queries.js';
import { renderTable, writeReport } from './report.js';
import { soak } from './soak.js';
import { upgradeRebuild } from './upgrade-rebuild.js';
import type { SqliteDurability } from '../src/store/sqlite.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { closeAllScopes, withScope } from './scope.js';

/** Every scenario, in the order they run (cheap and in-process first, then the servers). */
const scenarios: readonly Scenario[] = [
  fold,
  append,
  intakeHttp,
  liveLag,
  catchUp,
  queries,
  costGrowth,
  upgradeRebuild,
  logReaders,
  largeLists,
  forgetUnderLoad,
  postgresReadModel,
  soak,
];

const DURABILITIES: readonly SqliteDurability[] = ['full', 'normal'];

const usage = `usage: npm run bench -- [--quick] [--only ${scenarios.map((s) => s.name).join(',')}] [--runs N] [--durability ${DURABILITIES.join('|')}]`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string', default: '3' },
    durability: { type: 'string', default: 'full' },
  },
});
const runs = Number(values.runs);
const only = values.only?.split(',').map((name) => name.trim()) ?? scenarios.map((s) => s.name);
const unknown = only.filter((name) => !scenarios.some((s) => s.name === name));
if (unknown.length > 0 || !Number.isInteger(runs) || runs < 3) {
  console.error(unknown.length > 0 ? `unknown scenario: ${unknown.join(', ')}\n${usage}` : `--runs must be 3 or more\n${usage}`);
  process.exit(2);
}
const durability = DURABILITIES.find((known) => known === values.durability);
if (durability === undefined) {
  console.error(`--durability must be one of ${DURABILITIES.join(', ')}\n${usage}`);
  process.exit(2);
}

process.once('SIGINT', () => {
  console.error('interrupted: stopping servers, removing temp dirs');
  void closeAllScopes().finally(() => process.exit(130));
});

/** The checkout's commit, `-dirty` with uncommitted changes: what the figures are of. */
const revision = (): string => {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

const started = performance.now();
const loadBefore = loadavg()[0] ?? Number.NaN;
const revisionBefore = revision();
const log = (message: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const figures: FigureResult[] = await withScope(async (fixtureScope) => {
  const context: ScenarioContext = { quick: values.quick, runs, durability, fixtures: fixtureCache(fixtureScope, log), log };
  const results: FigureResult[] = [];
  for (const scenario of scenarios.filter((s) => only.includes(s.name))) {
    log(`${scenario.name}: start`);
    const specs = scenario.figures(context);
    try {
      results.push(...summarise(scenario.name, specs, await scenario.measure(context)));
      log(`${scenario.name}: done`);
    } catch (error) {
      log(`${scenario.name}: FAILED ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results.push(...failed(scenario.name, specs, error));
    }
  }
  return results;
});

const seconds = (performance.now() - started) / 1000;
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
console.log(`\n${renderTable(figures)}\n`);
const file = writeReport(fileURLToPath(new URL('results', import.meta.url)), {
  date: new Date().toISOString(),
  command,
  quick: values.quick,
  runs,
  durability,
  seconds,
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30) },
  revision: { before: revisionBefore, after: revision() },
  loadAverage: { before: loadBefore, after: loadavg()[0] ?? Number.NaN },
  figures,
});
console.log(
  `${command}: ${seconds.toFixed(0)} s, ${cpus().length} cores, Node ${process.version}, load average ` +
    `${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? Number.NaN).toFixed(2)} after; revision ${revisionBefore}; written to ${file}`,
);
process.exitCode = figures.some((f) => f.verdict === 'failed') ? 1 : 0;
