import Database from 'better-sqlite3';
import { join } from 'node:path';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { requireSuccess, runLoad } from './load.js';
import { count, type Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { TRAFFIC_SEED, trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const RATE = 500;
const CONNECTIONS = 32;
const REBUILD_LIMIT_MS = 600_000;

const sizes = (quick: boolean) => (quick ? { events: 10_000, seconds: 0.75 } : { events: 200_000, seconds: 6 });

type Rebuild = { readonly running: boolean; readonly events: number };

const rebuildStatus = async (url: string): Promise<Rebuild> => ((await (await fetch(`${url}/overview`)).json()) as { rebuild: Rebuild }).rebuild;

/** As after a deploy that changed every projection: the live tables were built by the versions before the code's. */
const markEveryProjectionOutdated = (dataDir: string) => {
  const db = new Database(join(dataDir, 'read-model.db'));
  try {
    db.prepare('UPDATE read_models SET version = version - 1').run();
  } finally {
    db.close();
  }
};

/**
 * What a deploy that changes the projections costs the traffic: a server starts on a caught-up log whose every
 * projection's version changed, so it rebuilds them all at start-up, and signed deliveries arrive at a steady
 * 500/s meanwhile. Their latency is set against the same load on the same log with nothing to rebuild, in the same
 * run. The rebuild's own time under that load is reported too.
 */
export const upgradeRebuild: Scenario = {
  name: 'upgrade-rebuild',
  figures: (context) => {
    const events = count(sizes(context.quick).events);
    return [
      { key: 'p99_rebuilding', label: `intake p99 at ${RATE}/s during the start-up rebuild of all projections, ${events} events`, unit: 'ms' },
      { key: 'p99_idle', label: `intake p99 at ${RATE}/s, same log, nothing to rebuild`, unit: 'ms' },
      { key: 'p99_ratio', label: 'intake p99 during the start-up rebuild ÷ without (median of per-run ratios)', unit: '×', target: { atMost: 2 } },
      { key: 'rebuild_seconds', label: `start-up rebuild of all projections under that load, ${events} events, from the server's start`, unit: 's' },
    ];
  },
  measure: async (context) => {
    const { events, seconds } = sizes(context.quick);
    const fixture = (await context.fixtures.caughtUpLog(events)).dir;
    const perRun = Math.round(RATE * seconds);
    const deliveries = trafficDeliveries(2 * perRun * context.runs, TRAFFIC_SEED + 2).map(webhookRequest);
    const load = (url: string, from: number) =>
      runLoad({ url, requests: deliveries.slice(from, from + perRun), connections: CONNECTIONS, rate: RATE });
    return repeat(context.runs, (run) =>
      withScope(async (scope) => {
        const idleDir = copyFixture(scope, fixture, 'upgrade-idle');
        const idle = await startBenchServer(scope, idleDir, { WEBHOOK_SECRET, SQLITE_DURABILITY: context.durability });
        const idleLoad = requireSuccess('intake, nothing to rebuild', await load(idle.url, 2 * run * perRun));
        await idle.stop();

        const upgradedDir = copyFixture(scope, fixture, 'upgrade-rebuilding');
        markEveryProjectionOutdated(upgradedDir);
        const started = performance.now();
        const upgraded = await startBenchServer(scope, upgradedDir, { WEBHOOK_SECRET, SQLITE_DURABILITY: context.durability });
        const during = requireSuccess('intake during the rebuild', await load(upgraded.url, (2 * run + 1) * perRun));
        const stillRunning = (await rebuildStatus(upgraded.url)).running;
        let rebuild = await rebuildStatus(upgraded.url);
        while (rebuild.running) {
          if (performance.now() - started > REBUILD_LIMIT_MS) throw new Error(`start-up rebuild not done after ${REBUILD_LIMIT_MS} ms`);
          await new Promise((resolve) => setTimeout(resolve, 50));
          rebuild = await rebuildStatus(upgraded.url);
        }
        const rebuildSeconds = (performance.now() - started) / 1000;
        context.log(
          `upgrade: intake p99 ${during.latencyMs(99).toFixed(1)} ms while rebuilding (${idleLoad.latencyMs(99).toFixed(1)} ms without); ` +
            `rebuild of ${rebuild.events} events in ${rebuildSeconds.toFixed(1)} s${stillRunning ? '' : ', ended before the load did'}`,
        );
        return {
          p99_rebuilding: during.latencyMs(99),
          p99_idle: idleLoad.latencyMs(99),
          p99_ratio: during.latencyMs(99) / idleLoad.latencyMs(99),
          rebuild_seconds: rebuildSeconds,
        };
      }),
    );
  },
};
