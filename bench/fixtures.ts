import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { acceptDelivery } from '../src/intake/accept-delivery.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { catchUpInChild } from './catch-up-process.js';
import type { Scope } from './scope.js';
import { signedDelivery, trafficDeliveries, WEBHOOK_SECRET } from './traffic.js';

/** Deliveries handed to intake at once while filling: they share one group commit. */
const FILL_CHUNK = 2000;
/** Retries are 20% of the generator's deliveries; a little more traffic than events covers them. */
const DELIVERIES_PER_EVENT = 1.3;

/**
 * Data directories built once per bench invocation and copied into each scenario's own fresh directory: an
 * event log of exactly N events, filled through the real intake pipeline (signature, routing, metadata, append),
 * and the same log with a read model caught up to it.
 */
export type Fixtures = {
  readonly eventLog: (events: number) => Promise<string>;
  readonly caughtUpLog: (events: number) => Promise<string>;
};

const fillLog = async (dataDir: string, events: number): Promise<void> => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
  try {
    const accept = acceptDelivery({ store, webhookSecret: WEBHOOK_SECRET, now: () => new Date() });
    const deliveries = trafficDeliveries(Math.ceil(events * DELIVERIES_PER_EVENT) + 100);
    let appended = 0;
    let next = 0;
    // Each delivery adds at most one event, so a chunk no larger than what is missing never overshoots.
    while (appended < events) {
      const chunk = deliveries.slice(next, next + Math.min(FILL_CHUNK, events - appended));
      if (chunk.length === 0) throw new Error(`the traffic holds fewer than ${events} events`);
      next += chunk.length;
      const outcomes = await Promise.all(chunk.map((delivery) => accept({ ...signedDelivery(delivery), channel: 'http' })));
      for (const outcome of outcomes) {
        if (outcome.status === 'appended') appended += 1;
        else if (outcome.status !== 'duplicate') throw new Error(`fill: a generated delivery was ${outcome.status}`);
      }
    }
  } finally {
    await store.close();
  }
};

export const fixtureCache = (scope: Scope, log: (message: string) => void): Fixtures => {
  const built = new Map<string, Promise<string>>();
  const once = (key: string, build: () => Promise<string>): Promise<string> => {
    let dir = built.get(key);
    if (dir === undefined) {
      dir = build();
      built.set(key, dir);
    }
    return dir;
  };
  const eventLog = (events: number) =>
    once(`log-${events}`, async () => {
      const dir = scope.tempDir(`log-${events}`);
      const started = performance.now();
      await fillLog(dir, events);
      log(`fixture: ${events} events filled through intake in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return dir;
    });
  const caughtUpLog = (events: number) =>
    once(`caught-up-${events}`, async () => {
      const dir = scope.tempDir(`caught-up-${events}`);
      cpSync(await eventLog(events), dir, { recursive: true });
      const run = await catchUpInChild(dir);
      log(`fixture: read model caught up with ${run.events} events in ${run.seconds.toFixed(1)} s`);
      return dir;
    });
  return { eventLog, caughtUpLog };
};

/** A fresh copy of a fixture for one scenario run. */
export const copyFixture = (scope: Scope, fixtureDir: string, label: string): string => {
  const dir = scope.tempDir(label);
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
};
