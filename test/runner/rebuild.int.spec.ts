import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactsProjection } from '../../projections/contacts.js';
import type { Projection } from '../../projections/projection.js';
import { projections } from '../../projections/registry.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { catchUp } from '../../src/runner/catch-up.js';
import { fillScratchTables, rebuildProjections } from '../../src/runner/rebuild.js';
import { verifyReadModel } from '../../src/runner/verify.js';
import type { Service } from '../../src/server.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { projectedHistory, serviceHarness } from '../support/service-harness.js';
import { skylightTraffic } from '../support/skylight-traffic.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('rebuilding the read model from the log', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let service: Service;
  const traffic = skylightTraffic({ seed: 11, contacts: 400 });

  beforeEach(async () => {
    dir = makeTempDir('rebuild');
    service = await serviceHarness(dir.path);
    const position = await postDeliveries(service.app, traffic);
    expect(await service.runner.waitFor(position, 10_000)).toBe(true);
  });
  afterEach(async () => {
    await service.close();
    dir.remove();
  });

  it('finds the live view equal to a clean rebuild after a messy, reordered, duplicated ingest', async () => {
    const verification = await verifyReadModel({ store: service.store, readModel: service.readModel, projections });
    expect(verification.projections.map((p) => [p.projection, p.differences])).toEqual([
      ['contacts', 0],
      ['bookings', 0],
      ['tickets', 0],
      ['conversations', 0],
      ['deliveries', 0],
    ]);
    expect(verification.matches).toBe(true);
  });

  it('reports a live row that differs from the rebuild', async () => {
    // A row written wrong (a bug's doing), through the read model's own writes, at the checkpoint it is at.
    const { readModel } = service;
    const [live] = (await readModel.catalog.liveTargets(projections)).filter((t) => t.projection.name === 'contacts');
    if (live === undefined) throw new Error('the contacts table must be live');
    const state = (await readModel.writes.loadStates(live, ['5'])).get('5') as { changed: { fields: object }[] };
    // The newest write's name: it shows.
    const [newest, ...older] = state.changed;
    const tampered = { ...state, changed: [{ ...newest, fields: { ...newest?.fields, name: 'Tampered' } }, ...older] };
    await readModel.writes.commit([{ target: live, rows: [{ key: '5', state: tampered }], to: live.position }], [], new Date().toISOString());
    const verification = await verifyReadModel({ store: service.store, readModel: service.readModel, projections });
    expect(verification.matches).toBe(false);
    const contacts = verification.projections.find((p) => p.projection === 'contacts');
    expect(contacts?.differences).toBe(1);
    expect(contacts?.examples[0]).toMatchObject({ key: '5', live: { name: 'Tampered' } });
  });

  it('swaps new tables in while queries keep answering, never a 404 for an existing entity', async () => {
    const liveTable = async (readModel: ReadModel) => (await readModel.catalog.entries()).find((e) => e.name === 'contacts')?.table_name;
    const before = await liveTable(service.readModel);
    const ids = Array.from({ length: 400 }, (_, i) => i + 1);
    const known = [];
    for (const id of ids) {
      const response = await service.app.inject({ method: 'GET', url: `/contacts/${id}` });
      if (response.statusCode !== 404) known.push({ id, body: response.body });
    }
    expect(known.length).toBeGreaterThan(300);
    let rebuilding = true;
    let folded = 0;
    const statuses: number[] = [];
    const foldedAtQuery: number[] = [];
    const querying = (async () => {
      while (rebuilding) {
        for (const { id } of known.slice(0, 50)) {
          foldedAtQuery.push(folded);
          statuses.push((await service.app.inject({ method: 'GET', url: `/contacts/${id}` })).statusCode);
          // inject() never leaves the microtask queue; real requests arrive through the event loop.
          await setImmediate();
        }
      }
    })();
    const result = await rebuildProjections({ store: service.store, readModel: service.readModel, projections,
      workingSet: 100,
      onProgress: (done) => (folded = done),
    });
    rebuilding = false;
    await querying;
    expect(result.events).toBeGreaterThan(2000);
    // Queries were answered all through the rebuild, not only before or after it.
    expect(foldedAtQuery.filter((done) => done > 0 && done < result.events).length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s === 404)).toEqual([]);
    expect(await liveTable(service.readModel)).not.toBe(before);
    for (const { id, body } of known) {
      expect((await service.app.inject({ method: 'GET', url: `/contacts/${id}` })).body).toBe(body);
    }
  });

  it('keeps applying new deliveries to the swapped-in tables', async () => {
    await rebuildProjections({ store: service.store, readModel: service.readModel, projections });
    await service.runner.reload();
    const position = await postDeliveries(service.app, [
      { event: 'contact.created', delivery_id: 'after-rebuild', timestamp: '2026-04-01T00:00:00Z', data: { contact: { id: 9001, name: 'After Rebuild' } } },
    ]);
    const response = await service.app.inject({ method: 'GET', url: `/contacts/9001?min_position=${position}` });
    expect(response.json()).toMatchObject({ id: 9001, name: 'After Rebuild' });
  });

  it('notices a swap made on another connection at a checkpoint behind its own, and applies the rest to the new tables', async () => {
    const other = openSqliteReadModel(join(dir.path, 'read-model.db'));
    try {
      const scratch = await other.catalog.createScratch(projections, 'rebuild', new Date().toISOString());
      const { targets } = await fillScratchTables({ store: service.store, readModel: other, projections, targets: scratch });
      const position = await postDeliveries(service.app, [
        { event: 'contact.created', delivery_id: 'during-rebuild', timestamp: '2026-04-01T00:00:00Z', data: { contact: { id: 9002, name: 'During Rebuild' } } },
      ]);
      expect(await service.runner.waitFor(position, 10_000)).toBe(true);
      // The swap puts in tables that lack the delivery the live runner has already applied to the old ones.
      await other.catalog.swapIn(targets, new Date().toISOString());
      const response = await service.app.inject({ method: 'GET', url: `/contacts/9002?min_position=${position}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: 9002, name: 'During Rebuild' });
    } finally {
      await other.close();
    }
  });
});

describe('a projection added to a read model that has applied the log', () => {
  it('is built by the start-up rebuild, while the others take new deliveries from where they are', async () => {
    const dir = makeTempDir('added');
    try {
      const without = projections.filter((p) => p.name !== 'deliveries');
      const { position } = await projectedHistory(dir.path, skylightTraffic({ seed: 4, contacts: 50 }), undefined, without);
      const second = await serviceHarness(dir.path);
      try {
        const fresh = await postDeliveries(second.app, [
          { event: 'contact.created', delivery_id: 'added-1', timestamp: '2026-05-01T00:00:00Z', data: { contact: { id: 9100, name: 'New' } } },
        ]);
        expect((await second.app.inject({ method: 'GET', url: `/contacts/9100?min_position=${fresh}` })).statusCode).toBe(200);
        await second.startupRebuild;
        const entry = (await second.readModel.catalog.entries()).find((e) => e.name === 'deliveries');
        expect(entry?.version).toBe(projections.find((p) => p.name === 'deliveries')?.version);
        expect(entry?.position).toBeGreaterThanOrEqual(position);
        const listed = (await second.app.inject({ method: 'GET', url: `/deliveries?limit=500&min_position=${fresh}` })).json<{ items: unknown[] }>();
        expect(listed.items.length).toBeGreaterThan(50);
        expect((await second.app.inject({ method: 'GET', url: '/deliveries/added-1' })).statusCode).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('a projection added to a read model that has applied the log, caught up by the CLI', () => {
  it('is built in bulk by the catch-up, which no server runs beside', async () => {
    const dir = makeTempDir('added-cli');
    try {
      const without = projections.filter((p) => p.name !== 'deliveries');
      const { position } = await projectedHistory(dir.path, skylightTraffic({ seed: 4, contacts: 50 }), undefined, without);
      const store = openSqliteEventStore(join(dir.path, 'events.db'));
      const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
      try {
        const { head } = await catchUp({ store, readModel, projections });
        expect(head).toBeGreaterThanOrEqual(position);
        const entry = (await readModel.catalog.entries()).find((e) => e.name === 'deliveries');
        expect(entry).toMatchObject({ version: projections.find((p) => p.name === 'deliveries')?.version, position: head });
        expect(await readModel.catalog.outdated(projections)).toEqual([]);
      } finally {
        await store.close();
        await readModel.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('a projection whose version changed', () => {
  it('is rebuilt by itself at start-up, the old table answering until the swap', async () => {
    const dir = makeTempDir('version');
    try {
      const { position, seen: body } = await projectedHistory(dir.path, skylightTraffic({ seed: 3, contacts: 50 }), async (first) =>
        (await first.app.inject({ method: 'GET', url: '/contacts/7' })).body,
      );

      const bumped: Projection[] = projections.map((p) => (p.name === 'contacts' ? { ...p, version: p.version + 1 } : p));
      const second = await serviceHarness(dir.path, {}, bumped);
      try {
        const during = (await second.app.inject({ method: 'GET', url: '/contacts/7' })).body;
        expect(during).toBe(body);
        await second.startupRebuild;
        const entry = (await second.readModel.catalog.entries()).find((e) => e.name === 'contacts');
        expect(entry?.version).toBe(contactsProjection.version + 1);
        // The log's head: beyond the last delivery acknowledged, the attempts of the retries among them.
        const head = await second.store.headPosition();
        expect(entry?.position).toBe(head._tag === 'Right' ? head.right : undefined);
        expect(entry?.position).toBeGreaterThanOrEqual(position);
        expect((await second.app.inject({ method: 'GET', url: '/contacts/7' })).body).toBe(body);
        const fresh = await postDeliveries(second.app, [
          { event: 'contact.updated', delivery_id: 'v2', timestamp: '2026-05-01T00:00:00Z', data: { contact: { id: 7, name: 'Renamed', updated_at: '2026-05-01T00:00:00Z' } } },
        ]);
        const renamed = await second.app.inject({ method: 'GET', url: `/contacts/7?min_position=${fresh}` });
        expect(renamed.json()).toMatchObject({ name: 'Renamed' });
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('a deploy whose code changed a projection’s version', () => {
  it('is rebuilt at start-up in the runner’s worker thread, shown in /overview and the metrics, then served and kept live', async () => {
    const dir = makeTempDir('deploy');
    try {
      // As before a deploy: the live contacts table is built by the version before the running code's.
      const previous: Projection[] = projections.map((p) => (p.name === 'contacts' ? { ...p, version: p.version - 1 } : p));
      const { position, seen: body } = await projectedHistory(
        dir.path,
        skylightTraffic({ seed: 4, contacts: 300 }),
        async (first) => (await first.app.inject({ method: 'GET', url: '/contacts/7' })).body,
        previous,
      );

      const second = await serviceHarness(dir.path);
      try {
        const overview = async () => (await second.app.inject({ method: 'GET', url: '/overview' })).json<{ rebuild: { running: boolean; projections: string[]; events: number } }>().rebuild;
        await second.startupRebuild;
        expect(await overview()).toEqual({ running: false, projections: [`contacts v${contactsProjection.version}`], events: position, total: position });
        const entry = (await second.readModel.catalog.entries()).find((e) => e.name === 'contacts');
        expect(entry?.version).toBe(contactsProjection.version);
        expect(entry?.position).toBeGreaterThanOrEqual(position);
        const metrics = (await second.app.inject({ method: 'GET', url: '/metrics' })).body;
        expect(metrics).not.toMatch(/^skylight_rebuild_events_done\{/m);
        expect((await second.app.inject({ method: 'GET', url: '/contacts/7' })).body).toBe(body);
        const fresh = await postDeliveries(second.app, [
          { event: 'contact.updated', delivery_id: 'deploy-1', timestamp: '2026-05-01T00:00:00Z', data: { contact: { id: 7, name: 'Renamed', updated_at: '2026-05-01T00:00:00Z' } } },
        ]);
        expect((await second.app.inject({ method: 'GET', url: `/contacts/7?min_position=${fresh}` })).json()).toMatchObject({ name: 'Renamed' });
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);
});
