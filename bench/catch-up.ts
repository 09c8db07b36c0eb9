import { catchUpInChild, rawReadInChild } from './catch-up-process.js';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { count, logSizes, type Scenario } from './scenario.js';
import { withScope } from './scope.js';

/** Per-event time may grow this much from the small log to the large one and still count as linear. */
const LINEAR_TOLERANCE = 1.5;

/**
 * The runner's catch-up (src/runner/catch-up.ts) from an event log into a fresh, empty read model, which it
 * builds as a rebuild does (`rebuildProjections`, all projections). Each run is its own process, so its peak
 * resident memory is the catch-up's alone; each works on its own copy of the log. Each run also reads the large
 * log raw in a process of its own (bench/raw-read-child.ts), right after its catch-up: the ratio is the median
 * of the per-run ratios.
 */
export const catchUp: Scenario = {
  name: 'catch-up',
  figures: (context) => {
    const { small, large } = logSizes(context.quick);
    return [
      { key: 'large', label: `rebuild: catch-up into empty read models, all projections, ${count(large)} events`, unit: 'events/s' },
      { key: 'large_rss', label: `rebuild peak RSS, ${count(large)} events`, unit: 'MB', target: { atMost: 400 } },
      { key: 'raw_read', label: `baseline: raw read of the log, .iterate() + JSON.parse of the data, ${count(large)} events`, unit: 'events/s' },
      {
        key: 'vs_raw_read',
        label: `rebuild ÷ raw read of the same log, ${count(large)} events (median of per-run ratios)`,
        unit: '×',
        target: { atLeast: 0.35 },
      },
      { key: 'small', label: `rebuild: catch-up into empty read models, all projections, ${count(small)} events`, unit: 'events/s' },
      { key: 'small_rss', label: `rebuild peak RSS, ${count(small)} events`, unit: 'MB' },
      {
        key: 'growth',
        label: `rebuild time per event, ${count(large)} ÷ ${count(small)} (1 = linear)`,
        unit: '×',
        target: { atMost: LINEAR_TOLERANCE },
        derive: (medianOf) => medianOf('small') / medianOf('large'),
      },
    ];
  },
  measure: async (context) => {
    const { small, large } = logSizes(context.quick);
    const { fixtures } = context;
    // The first run is the one that built the caught-up fixtures the queries and cost-growth scenarios use.
    const built = { small: (await fixtures.caughtUpLog(small)).run, large: (await fixtures.caughtUpLog(large)).run };
    return repeat(context.runs, (run) =>
      withScope(async (scope) => {
        const smallRun = run === 0 ? built.small : await catchUpInChild(copyFixture(scope, await fixtures.eventLog(small), 'catch-up'));
        const largeRun = run === 0 ? built.large : await catchUpInChild(copyFixture(scope, await fixtures.eventLog(large), 'catch-up'));
        const rawRead = await rawReadInChild(await fixtures.eventLog(large));
        if (rawRead.events !== largeRun.events) throw new Error(`raw read: ${rawRead.events} events, catch-up ${largeRun.events}`);
        context.log(
          `catch-up: ${largeRun.events} events in ${largeRun.seconds.toFixed(1)} s, peak RSS ${largeRun.peakRssMb.toFixed(0)} MB; ` +
            `raw read in ${rawRead.seconds.toFixed(2)} s`,
        );
        return {
          raw_read: rawRead.events / rawRead.seconds,
          vs_raw_read: rawRead.seconds / largeRun.seconds,
          small: smallRun.events / smallRun.seconds,
          small_rss: smallRun.peakRssMb,
          large: largeRun.events / largeRun.seconds,
          large_rss: largeRun.peakRssMb,
        };
      }),
    );
  },
};
