import { catchUpInChild } from './catch-up-process.js';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { count, logSizes, type Scenario } from './scenario.js';
import { withScope } from './scope.js';

/** Per-event time may grow this much from the small log to the large one and still count as linear. */
const LINEAR_TOLERANCE = 1.5;

/**
 * The runner's catch-up (src/runner/catch-up.ts) from an event log into a fresh, empty read model: the same
 * fold as a rebuild. Each run is its own process, so its peak resident memory is the catch-up's alone; each
 * works on its own copy of the log.
 */
export const catchUp: Scenario = {
  name: 'catch-up',
  figures: (context) => {
    const { small, large } = logSizes(context.quick);
    return [
      { key: 'large', label: `catch-up into all read models, ${count(large)} events`, unit: 'events/s', target: { atLeast: 150_000 } },
      { key: 'large_rss', label: `catch-up peak RSS, ${count(large)} events`, unit: 'MB', target: { atMost: 400 } },
      { key: 'small', label: `catch-up into all read models, ${count(small)} events`, unit: 'events/s' },
      { key: 'small_rss', label: `catch-up peak RSS, ${count(small)} events`, unit: 'MB' },
      {
        key: 'growth',
        label: `catch-up time per event, ${count(large)} ÷ ${count(small)} (1 = linear)`,
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
        context.log(`catch-up: ${largeRun.events} events in ${largeRun.seconds.toFixed(1)} s, peak RSS ${largeRun.peakRssMb.toFixed(0)} MB`);
        return {
          small: smallRun.events / smallRun.seconds,
          small_rss: smallRun.peakRssMb,
          large: largeRun.events / largeRun.seconds,
          large_rss: largeRun.peakRssMb,
        };
      }),
    );
  },
};
