import { on } from 'node:events';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { catchUpInChild, type CatchUpRun } from './catch-up-process.js';
import type { FillOrder } from './fill-worker.js';
import { startWorker } from './node-entry.js';
import type { RoutedEvent } from './routed-event.js';
import type { Scope } from './scope.js';

/**
 * Events appended at once while filling: they share one group commit. Large commits matter as the log grows:
 * each commit rewrites the index pages it touched, and at 1M events its random index inserts touch many
 * (docs/performance.md).
 */
const FILL_CHUNK = 10_000;

/**
 * Data directories built once per bench invocation and copied into each scenario's own fresh directory: an
 * event log of exactly N events, routed as intake routes them, and the same log with a read model caught up.
 */
export type Fixtures = {
  readonly eventLog: (events: number) => Promise<string>;
  /** The directory, and the catch-up run that built its read model (a run like any other: fresh process and read model). */
  readonly caughtUpLog: (events: number) => Promise<{ readonly dir: string; readonly run: CatchUpRun }>;
};

/** Chunks of routed events from a worker thread (bench/fill-worker.ts), so routing and appending use both cores. */
async function* routedInWorker(order: FillOrder): AsyncGenerator<RoutedEvent[]> {
  const worker = startWorker('bench/fill-worker', order);
  try {
    for await (const [chunk] of on(worker, 'message')) {
      if (chunk === null) return;
      worker.postMessage('more');
      yield chunk as RoutedEvent[];
    }
  } finally {
    await worker.terminate();
  }
}

/** Exactly `events` events of the seeded traffic, appended through the store port in large group commits. */
const fillLog = async (dataDir: string, events: number): Promise<void> => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
  try {
    let appended = 0;
    for await (const chunk of routedInWorker({ events, chunk: FILL_CHUNK })) {
      const results = await Promise.all(chunk.map(({ stream, event }) => store.append(stream, [event], 'any')));
      for (const result of results) {
        if (E.isLeft(result)) throw new Error(`fill: append failed: ${result.left.kind}`);
        if (result.right.events[0]?.status === 'appended') appended += 1;
      }
    }
    if (appended !== events) throw new Error(`fill: ${appended} events appended, ${events} expected`);
  } finally {
    await store.close();
  }
};

export const fixtureCache = (scope: Scope, log: (message: string) => void): Fixtures => {
  const built = new Map<string, Promise<unknown>>();
  const once = <A>(key: string, build: () => Promise<A>): Promise<A> => {
    let fixture = built.get(key) as Promise<A> | undefined;
    if (fixture === undefined) {
      fixture = build();
      built.set(key, fixture);
    }
    return fixture;
  };
  const eventLog = (events: number) =>
    once(`log-${events}`, async () => {
      const dir = scope.tempDir(`log-${events}`);
      const started = performance.now();
      await fillLog(dir, events);
      log(`fixture: ${events} events routed and appended in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return dir;
    });
  const caughtUpLog = (events: number) =>
    once(`caught-up-${events}`, async () => {
      const dir = scope.tempDir(`caught-up-${events}`);
      cpSync(await eventLog(events), dir, { recursive: true });
      const run = await catchUpInChild(dir);
      log(`fixture: read model caught up with ${run.events} events in ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
      return { dir, run };
    });
  return { eventLog, caughtUpLog };
};

/** A fresh copy of a fixture for one scenario run. */
export const copyFixture = (scope: Scope, fixtureDir: string, label: string): string => {
  const dir = scope.tempDir(label);
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
};
