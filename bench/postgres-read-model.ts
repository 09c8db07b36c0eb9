import { seededRandom } from '../test/support/skylight-traffic.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../test/support/postgres.js';
import { catchUpInChild } from './catch-up-process.js';
import { repeat, type FigureSpec, type Measurements } from './figure.js';
import { copyFixture } from './fixtures.js';
import { liveLag, liveLagRuns } from './live-lag.js';
import { contactGets, pacedGets, queries, warmUpGets } from './queries.js';
import { contactIdsIn } from './read-model-sample.js';
import { count, logSizes, type Scenario, type ScenarioContext } from './scenario.js';
import { withScope, type Scope } from './scope.js';
import { startBenchServer } from './server-process.js';

/** The service's settings for a read model in a fresh schema of the PostgreSQL server, dropped when `scope` closes. */
const freshReadModelSchema = (scope: Scope): Record<string, string> => {
  const schema = freshSchema('bench');
  scope.defer(schema.drop);
  return { READ_MODEL_URL: TEST_POSTGRES_URL, READ_MODEL_SCHEMA: schema.name };
};

/** Another scenario's figure, measured here with the read model in PostgreSQL. */
const inPostgres =
  (prefix: string) =>
  (spec: FigureSpec): FigureSpec => ({ ...spec, key: `${prefix}${spec.key}`, label: `${spec.label}, read model in PostgreSQL` });

const prefixed = (prefix: string, measured: Measurements): Measurements =>
  Object.fromEntries(Object.entries(measured).map(([key, values]) => [`${prefix}${key}`, values]));

const GET_FIGURES = ['get_p50', 'get_p99'];

/** A copy of the log for each read model of one run, and the PostgreSQL schema it fills. */
type RebuildTargets = { readonly sqliteDir: string; readonly postgresDir: string; readonly postgres: Record<string, string> };

const rebuildTargets = async (context: ScenarioContext, scope: Scope): Promise<RebuildTargets> => {
  const log = await context.fixtures.eventLog(logSizes(context.quick).large);
  return { sqliteDir: copyFixture(scope, log, 'rebuild-sqlite'), postgresDir: copyFixture(scope, log, 'rebuild-postgres'), postgres: freshReadModelSchema(scope) };
};

/** One run: the same rebuild (catch-up into empty read models) into SQLite, then into PostgreSQL, each in its own process. */
const rebuildRun = async (context: ScenarioContext, targets: RebuildTargets): Promise<Record<string, number>> => {
  const sqlite = await catchUpInChild(targets.sqliteDir);
  const postgres = await catchUpInChild(targets.postgresDir, targets.postgres);
  if (postgres.events !== sqlite.events) throw new Error(`rebuild into PostgreSQL: ${postgres.events} events, into SQLite ${sqlite.events}`);
  context.log(`postgres: rebuild of ${sqlite.events} events, SQLite ${sqlite.seconds.toFixed(1)} s, PostgreSQL ${postgres.seconds.toFixed(1)} s`);
  return {
    rebuild_sqlite: sqlite.events / sqlite.seconds,
    rebuild_postgres: postgres.events / postgres.seconds,
    vs_sqlite: sqlite.seconds / postgres.seconds,
    rss_sqlite: sqlite.peakRssMb,
    rss_postgres: postgres.peakRssMb,
  };
};

/** get-by-id paced as the queries scenario paces it, by a server over the schema the first rebuild run filled. */
const getRuns = (context: ScenarioContext, targets: RebuildTargets): Promise<Measurements> =>
  withScope(async (scope) => {
    const server = await startBenchServer(scope, targets.postgresDir, { SQLITE_DURABILITY: context.durability, ...targets.postgres });
    await server.caughtUp();
    // The same log's contacts, read from the SQLite read model the same run rebuilt.
    const gets = contactGets(contactIdsIn(targets.sqliteDir).live, seededRandom(7));
    await warmUpGets(server.url, gets);
    return repeat(context.runs, () => pacedGets(server.url, gets, context.quick));
  });

const reason = (error: unknown): string =>
  error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);

/**
 * A load on a server that may not keep up (queries piling up until the server refuses connections): its failure is
 * said loudly and leaves its figures without a value (short of their targets), not the whole scenario failed.
 */
const unlessOverwhelmed = async (context: ScenarioContext, what: string, measure: () => Promise<Measurements>): Promise<Measurements> => {
  try {
    return await measure();
  } catch (error) {
    context.log(`postgres: ${what} FAILED, its figures are left without a value: ${reason(error)}`);
    return {};
  }
};

/**
 * The read model in PostgreSQL (issue 21) against the embedded one: the rebuild of the large log into each, back
 * to back in every run (each in a process of its own, on its own copy of the log, PostgreSQL in a fresh schema),
 * and the ratio of the two; then live lag and get-by-id at the live-lag and queries scenarios' rates, by servers
 * whose read model is a PostgreSQL schema. Every schema is dropped afterwards. PostgreSQL runs on the same cores.
 */
export const postgresReadModel: Scenario = {
  name: 'postgres',
  figures: (context) => {
    const events = count(logSizes(context.quick).large);
    return [
      { key: 'rebuild_sqlite', label: `baseline: rebuild (catch-up into empty read models, all projections) into SQLite, ${events} events`, unit: 'events/s' },
      { key: 'rebuild_postgres', label: `the same rebuild into PostgreSQL, ${events} events`, unit: 'events/s' },
      { key: 'vs_sqlite', label: `rebuild into PostgreSQL ÷ into SQLite, ${events} events (median of per-run ratios)`, unit: '×', target: { atLeast: 0.5 } },
      { key: 'rss_sqlite', label: `rebuild into SQLite, peak RSS, ${events} events`, unit: 'MB' },
      { key: 'rss_postgres', label: `rebuild into PostgreSQL, peak RSS of the catch-up (not the server's), ${events} events`, unit: 'MB' },
      ...liveLag.figures(context).map(inPostgres('lag_')),
      ...queries.figures(context).filter((spec) => GET_FIGURES.includes(spec.key)).map(inPostgres('')),
    ];
  },
  measure: async (context) => {
    if (!(await postgresAnswers())) {
      skippedWithoutPostgres('bench scenario postgres');
      throw new Error(`SKIPPED: no PostgreSQL at ${TEST_POSTGRES_URL}`);
    }
    return withScope(async (scope) => {
      // The first run's copies and schema stay for the get-by-id server: its read model is caught up already.
      const kept = await rebuildTargets(context, scope);
      const rebuilt = await repeat(context.runs, (run) =>
        run === 0 ? rebuildRun(context, kept) : withScope(async (runScope) => rebuildRun(context, await rebuildTargets(context, runScope))),
      );
      const got = await unlessOverwhelmed(context, 'get-by-id', () => getRuns(context, kept));
      const lag = await unlessOverwhelmed(context, 'live lag', () => withScope((lagScope) => liveLagRuns(context, lagScope, freshReadModelSchema(lagScope))));
      return { ...rebuilt, ...got, ...prefixed('lag_', lag) };
    });
  },
};
