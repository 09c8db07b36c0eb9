import { catchUpInChild } from './catch-up-process.js';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { count, logSizes, type Scenario } from './scenario.js';
import { withScope } from './scope.js';

/** Per-event time may grow this much from the small log to the large one and still count as linear. */
const LINEAR_TOLERANCE = 1.5;

/**
 * The runner's catch-up (src/runner/catch-up.ts) from an event log into a fresh, empty read model: the same
 * fold as a rebuild. Each run is its own process, so its peak resident memory is the catch-up's alone.
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
    const logs = { small: await context.fixtures.eventLog(small), large: await context.fixtures.eventLog(large) };
    return repeat(context.runs, () =>
      withScope(async (scope) => {
        const smallRun = await catchUpInChild(copyFixture(scope, logs.small, 'catch-up'));
        const largeRun = await catchUpInChild(copyFixture(scope, logs.large, 'catch-up'));
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
