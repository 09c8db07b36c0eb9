import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Projection } from '../../projections/projection.js';
import { projections } from '../../projections/registry.js';
import { serviceMetrics } from '../../src/metrics/service-metrics.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { rebuildOutdated } from '../../src/runner/rebuild-outdated.js';
import { startRunner } from '../../src/runner/runner.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { prometheusSamples } from '../support/prometheus-text.js';
import { projectedHistory } from '../support/service-harness.js';
import { skylightTraffic } from '../support/skylight-traffic.js';
import { makeTempDir } from '../support/temp-dir.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('rebuild progress in the metrics', () => {
  it('reports events done and planned per projection while a start-up rebuild runs, and nothing once it ended', async () => {
    const metrics = serviceMetrics();
    const samples = async () => prometheusSamples(await metrics.registry.metrics());
    metrics.rebuildProgress(['contacts'], 120, 500);
    expect((await samples()).get('skylight_rebuild_events_done{projection="contacts"}')).toBe(120);
    expect((await samples()).get('skylight_rebuild_events_planned{projection="contacts"}')).toBe(500);
    metrics.rebuildEnded(['contacts']);
    expect([...(await samples()).keys()].filter((key) => key.startsWith('skylight_rebuild_'))).toEqual([]);
  });

  it('is fed by the start-up rebuild of a projection whose version changed, up to the whole log', async () => {
    const dir = makeTempDir('rebuild-progress');
    try {
      const { position } = await projectedHistory(dir.path, skylightTraffic({ seed: 5, contacts: 200 }));

      const bumped: Projection[] = projections.map((p) => (p.name === 'contacts' ? { ...p, version: p.version + 1 } : p));
      const store = openSqliteEventStore(join(dir.path, 'events.db'));
      const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
      const runner = startRunner({ store, readModel, projections: bumped, log: silent });
      try {
        const updates: [readonly string[], number, number | undefined][] = [];
        const ended: (readonly string[])[] = [];
        const rebuild = await rebuildOutdated({
          store,
          readModel,
          runner,
          projections: bumped,
          log: silent,
          progress: { update: (names, done, total) => updates.push([names, done, total]), ended: (names) => ended.push(names) },
        });
        await rebuild.done;
        expect(updates.length).toBeGreaterThan(0);
        // The embedded store's positions count events, so the total is known there.
        expect(updates.every(([names, done, total]) => names.join() === 'contacts' && total !== undefined && done <= total && total >= position)).toBe(true);
        // The whole log: beyond the last delivery acknowledged, the attempts of the retries among them.
        const head = await store.headPosition();
        expect(updates.at(-1)?.[1]).toBe(head._tag === 'Right' ? head.right : undefined);
        expect(ended).toEqual([['contacts']]);
      } finally {
        await runner.stop();
        await store.close();
        await readModel.close();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);
});
