import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Projection } from '../../projections/projection.js';
import { projections } from '../../projections/registry.js';
import { foldEvents } from '../../projections/fold.js';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCursor } from '../../src/read-model/list-cursor.js';
import type { DeliveryFilters, ListedProjection, ListFilters } from '../../src/read-model/list-filters.js';
import type { SortText } from '../../src/read-model/list-sort.js';
import { CheckpointMoved, UNBUILT_VERSION, type ProjectionTarget } from '../../src/read-model/read-model-catalog.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { allExamples, nestedExamples } from '../fixtures/reference-deliveries.js';
import { loggedAttempt, loggedDelivery } from '../support/logged-deliveries.js';
import { projectedDelivery, projectedEvent } from '../support/projected-event.js';

/** What every ReadModel adapter must do. Each test opens a read model of its own and closes it. */
export type ReadModelTarget = { readonly open: () => Promise<ReadModel> };

const now = '2026-03-05T00:00:00.000Z';
const events = allExamples.map(projectedDelivery);

const named = (name: string): Projection => {
  const projection = projections.find((p) => p.name === name);
  if (projection === undefined) throw new Error(`no projection ${name}`);
  return projection;
};

/** A delivery log: three stored deliveries a second apart, one retried twice, an unrecognized and a quarantined one. */
const deliveryLog = (() => {
  const at = (second: number) => ({ position: second, receivedAt: `2026-03-04T12:00:${String(second).padStart(2, '0')}.000Z` });
  const [created, updated, received] = nestedExamples;
  const first = loggedDelivery(created, at(1));
  return {
    first,
    events: [
      first,
      loggedDelivery(updated, at(2)),
      loggedDelivery(received, at(3)),
      loggedDelivery({ event: 'contact.merged', delivery_id: 'd-merged', timestamp: '2026-03-04T12:00:04Z', data: { contact_id: 42 } }, at(4)),
      loggedDelivery({ event: 'booking.created', delivery_id: 'd-invalid', timestamp: '2026-03-04T12:00:05Z', data: { booking: { id: 'x' } } }, at(5)),
      loggedAttempt(first, 'd-retry-1', at(6)),
      loggedAttempt(first, 'd-retry-2', at(7)),
    ],
  };
})();

/** The states the reference examples fold to, per projection, as rows to commit. */
const rowsOf = (projection: Projection) => [...foldEvents(projection, events)].map(([key, state]) => ({ key, state }));

export const describeReadModelContract = (name: string, target: ReadModelTarget): void => {
  describe(`ReadModel contract: ${name}`, () => {
    let readModel: ReadModel;
    let opened: ReadModel | undefined;
    const live = async (projection: string): Promise<ProjectionTarget> => {
      const found = (await readModel.catalog.liveTargets(projections)).find((t) => t.projection.name === projection);
      if (found === undefined) throw new Error(`no live table for ${projection}`);
      return found;
    };
    /** Commits every projection's rows of the reference examples at position 10. */
    const project = async () =>
      readModel.writes.commit(
        (await readModel.catalog.liveTargets(projections)).map((t) => ({ target: t, rows: rowsOf(t.projection), to: 10 })),
        [{ position: 3, eventId: 'e-3', type: 'contact.updated', reason: 'data.contact.id: invalid' }],
        now,
      );

    /** A page in id order, as every store must give it (a cursor as the API's query string carries it). */
    const listOf = async <P extends ListedProjection>(projection: P, filters: ListFilters[P], page: { limit: number; cursor?: string | undefined }) => {
      const listed = await readModel.queries.list(projection, filters, { sort: 'id' as SortText<P>, limit: page.limit, cursor: page.cursor === undefined ? undefined : decodeCursor(page.cursor) });
      if (E.isLeft(listed)) throw new Error(`the list was refused: ${listed.left.kind}`);
      return listed.right;
    };

    beforeEach(async () => {
      readModel = await target.open();
      opened = readModel;
      await readModel.catalog.ensure(projections, now);
    });
    afterEach(async () => {
      await opened?.close();
      opened = undefined;
    });

    it('starts every projection empty at position 0, once, however often it is ensured', async () => {
      await readModel.catalog.ensure(projections, now);
      const entries = await readModel.catalog.entries();
      expect(entries.map((e) => [e.name, e.version, e.position]).sort()).toEqual(projections.map((p) => [p.name, p.version, 0]).sort());
      expect(await readModel.catalog.outdated(projections)).toEqual([]);
      expect(await readModel.catalog.highestCheckpoint()).toBe(0);
    });

    it('commits rows, skipped events and checkpoints together, and serves the views', async () => {
      const advanced = await project();
      expect(advanced.map((t) => t.position)).toEqual(projections.map(() => 10));
      expect(await readModel.catalog.highestCheckpoint()).toBe(10);
      expect(await readModel.catalog.skippedByType()).toEqual({ 'contact.updated': 1 });
      const contact = await readModel.queries.view<{ id: number; name: string }>('contacts', '42');
      expect(contact).toMatchObject({ id: 42, name: 'Sarah M. Johnson' });
      const stored = await readModel.queries.storedView('contacts', '42');
      expect(stored?.deleted).toBe(true);
      expect(JSON.parse(stored?.json ?? 'null')).toEqual(contact);
      expect(await readModel.queries.view('contacts', '404')).toBeUndefined();
      const states = await readModel.writes.loadStates(await live('contacts'), ['42', '404']);
      expect([...states.keys()]).toEqual(['42']);
    });

    it("refuses to hand the fold a stored state that is not its projection's", async () => {
      const contacts = await live('contacts');
      // A bookings state in the contacts table: only a bug could put it there (a bug that also made its row's view).
      const bookingState = rowsOf(named('bookings'))[0]?.state;
      const wrongly = { ...contacts, projection: { ...contacts.projection, view: (state: unknown) => state } };
      await readModel.writes.commit([{ target: wrongly, rows: [{ key: '77', state: bookingState }], to: 10 }], [], now);
      await expect(readModel.writes.loadStates(await live('contacts'), ['77'])).rejects.toThrow(/does not hold a contacts state/);
    });

    it('moves a checkpoint only from where its target says it is (compare-and-set), writing nothing otherwise', async () => {
      const stale = await live('contacts');
      await project();
      const attempt = readModel.writes.commit([{ target: stale, rows: [{ key: '999', state: rowsOf(named('contacts'))[0]?.state }], to: 20 }], [], now);
      await expect(attempt).rejects.toBeInstanceOf(CheckpointMoved);
      expect(await readModel.queries.view('contacts', '999')).toBeUndefined();
      expect((await live('contacts')).position).toBe(10);
    });

    it('lists with typed filters, a page at a time, the cursor reaching every row once in key order', async () => {
      await project();
      const all = await listOf('contacts', { include_deleted: true }, { limit: 500 });
      expect(all.next_cursor).toBeNull();
      const ids = (all.items as { id: number }[]).map((c) => c.id);
      expect(ids.length).toBeGreaterThan(1);
      const paged: number[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listOf('contacts', { include_deleted: true }, { limit: 1, cursor });
        paged.push(...(page.items as { id: number }[]).map((c) => c.id));
        if (page.next_cursor === null) break;
        cursor = page.next_cursor;
      }
      expect(paged).toEqual(ids);
      expect((await listOf('contacts', {}, { limit: 500 })).items).not.toContainEqual(expect.objectContaining({ id: 42 }));
      expect((await listOf('contacts', { include_deleted: true, tag: 'vip' }, { limit: 500 })).items).toMatchObject([{ id: 42 }]);
      expect((await listOf('contacts', { include_deleted: true, q: 'SARAH' }, { limit: 500 })).items).toMatchObject([{ id: 42 }]);
      const cancelled = await listOf('bookings', { status: 'cancelled', contact_id: 42 }, { limit: 500 });
      expect(cancelled.items).toMatchObject([{ id: 101, status: 'cancelled' }]);
      expect((await listOf('tickets', { priority: 'normal' }, { limit: 500 })).items).toMatchObject([{ id: 55 }]);
    });

    it('finds contacts by q without regard to case, accents or phone punctuation, never by an erased value', async () => {
      const contacts = named('contacts');
      const created = (id: number, contact: Record<string, unknown>) =>
        projectedEvent('contact.created', { contact: { id, ...contact } }, '2026-03-04T12:00:00.000000Z');
      const rows = [
        ...foldEvents(contacts, [created(500, { name: 'José García', email: 'Jose.Garcia@Example.com', phone: '+14155551139' })]),
        ...foldEvents(contacts, [created(501, { name: '[redacted]', email: 'other@example.com', phone: '+15550000000' })]),
      ].map(([key, state]) => ({ key, state }));
      await readModel.writes.commit([{ target: await live('contacts'), rows, to: 10 }], [], now);
      const found = async (q: string) => ((await listOf('contacts', { q }, { limit: 500 })).items as { id: number }[]).map((c) => c.id);
      for (const q of ['garcia', 'GARCÍA', 'josé garcía', 'JOSE.GARCIA@example', '415-555-1139', '(415) 555-1139', '+1 415 555 1139', '4155551139']) {
        expect(await found(q)).toEqual([500]);
      }
      expect(await found('redacted')).toEqual([]);
      expect(await found('415-555-1138')).toEqual([]);
      expect(await found('garcia%')).toEqual([]);
    });

    it('keeps every character of a row, committed or filled: quotes, backslashes, braces, commas, NULL, astral', async () => {
      const awkward = ['"quoted", \\back\\slashed', '{braces}', 'NULL', 'ünï 😀'];
      const contacts = named('contacts');
      const state = structuredClone(rowsOf(contacts).find((row) => row.key === '42')?.state) as { changed: { fields: Record<string, unknown> }[] };
      // The newest write's: it shows.
      Object.assign(state.changed[0]?.fields ?? {}, { name: awkward.join(' '), tags: awkward });
      await readModel.writes.commit([{ target: await live('contacts'), rows: [{ key: '42', state }], to: 10 }], [], now);
      expect(await readModel.writes.loadStates(await live('contacts'), ['42'])).toEqual(new Map([['42', state]]));
      expect(JSON.parse((await readModel.queries.storedView('contacts', '42'))?.json ?? 'null')).toEqual(contacts.view(state));
      for (const tag of awkward) expect((await listOf('contacts', { include_deleted: true, tag }, { limit: 10 })).items).toMatchObject([{ id: 42 }]);
      const [scratch] = await readModel.catalog.createScratch([contacts], 'verify', now);
      if (scratch === undefined) throw new Error('a scratch table must be made');
      await readModel.writes.fill(scratch, new Map([['42', state]]));
      expect((await readModel.catalog.differingViews(scratch, 3)).count).toBe(0);
    });

    describe('the delivery log', () => {
      type Listed = { event_id: string; event: string | null; received_at: string };
      const commitLog = async () =>
        readModel.writes.commit(
          [{ target: await live('deliveries'), rows: [...foldEvents(named('deliveries'), deliveryLog.events)].map(([key, state]) => ({ key, state })), to: 10 }],
          [],
          now,
        );
      const listed = async (filters: DeliveryFilters, limit = 500) =>
        ((await listOf('deliveries', filters, { limit })).items as Listed[]).map((d) => d.event ?? 'not an envelope');

      it('hands back each state as committed or filled, those stored once as their own view included', async () => {
        const states = foldEvents(named('deliveries'), deliveryLog.events);
        await commitLog();
        expect(await readModel.writes.loadStates(await live('deliveries'), [...states.keys()])).toEqual(states);
        const [scratch] = await readModel.catalog.createScratch([named('deliveries')], 'verify', now);
        if (scratch === undefined) throw new Error('a scratch table must be made');
        await readModel.writes.fill(scratch, states);
        expect(await readModel.writes.loadStates(scratch, [...states.keys()])).toEqual(states);
        expect((await readModel.catalog.differingViews(scratch, 3)).count).toBe(0);
      });

      it('lists deliveries newest first, never an attempt\'s row, a page at a time', async () => {
        await commitLog();
        const newestFirst = ['booking.created', 'contact.merged', 'message.received', 'contact.updated', 'contact.created'];
        expect(await listed({})).toEqual(newestFirst);
        const paged: string[] = [];
        let cursor: string | undefined;
        for (;;) {
          const page = await listOf('deliveries', {}, { limit: 2, cursor });
          paged.push(...(page.items as Listed[]).map((d) => d.event ?? ''));
          if (page.next_cursor === null) break;
          cursor = page.next_cursor;
        }
        expect(paged).toEqual(newestFirst);
      });

      it('filters by event, outcome, entity and time of arrival (bounds included)', async () => {
        await commitLog();
        expect(await listed({ event: 'contact.updated' })).toEqual(['contact.updated']);
        expect(await listed({ outcome: 'unrecognized' })).toEqual(['contact.merged']);
        expect(await listed({ outcome: 'quarantined' })).toEqual(['booking.created']);
        expect(await listed({ entity: 'contact-42' })).toEqual(['message.received', 'contact.updated', 'contact.created']);
        const second = (s: number) => Date.UTC(2026, 2, 4, 12, 0, s) * 1000;
        expect(await listed({ from_us: second(2), to_us: second(4) })).toEqual(['contact.merged', 'message.received', 'contact.updated']);
        expect(await listed({ from_us: second(2) + 1 })).toEqual(['booking.created', 'contact.merged', 'message.received']);
        expect(await listed({ to_us: second(2) - 1 })).toEqual(['contact.created']);
      });

      it('finds a delivery by its event id, its delivery id, or the delivery id of any further attempt, and nothing else', async () => {
        await commitLog();
        const { first } = deliveryLog;
        for (const q of [first.id, first.arrival.delivery_id ?? '', 'd-retry-1', 'd-retry-2']) {
          const found = await listOf('deliveries', { q }, { limit: 5 });
          expect(found.items, q).toMatchObject([{ event_id: first.id, attempts: [{ delivery_id: 'd-retry-1' }, { delivery_id: 'd-retry-2' }] }]);
        }
        expect(await listed({ q: 'd-merged' })).toEqual(['contact.merged']);
        expect(await listed({ q: 'd-retry' })).toEqual([]);
        expect(await listed({ q: 'attempt:d-retry-1' })).toEqual([]);
        expect(await listed({ q: 'd-retry-1', outcome: 'quarantined' })).toEqual([]);
      });
    });

    it('counts by status and finds the latest of a contact', async () => {
      await project();
      expect(await readModel.queries.countByStatus('bookings', { contact_id: 42 })).toEqual({ cancelled: 1, completed: 1 });
      expect(await readModel.queries.latest('tickets', { contact_id: 42 })).toMatchObject({ id: 55 });
      expect(await readModel.queries.latest('bookings', { contact_id: 404 })).toBeUndefined();
    });

    it('fills scratch tables beside the live ones, compares them, and swaps them in whole', async () => {
      await project();
      const scratch = await readModel.catalog.createScratch(projections, 'rebuild', now);
      for (const table of scratch) await readModel.writes.fill(table, new Map(rowsOf(table.projection).map((row) => [row.key, row.state])));
      const filled = await readModel.writes.commit(scratch.map((t) => ({ target: t, rows: [], to: 10 })), [], now);
      for (const table of filled) expect((await readModel.catalog.differingViews(table, 3)).count).toBe(0);
      // Until the swap, the live tables serve.
      const before = (await readModel.catalog.entries()).map((e) => e.table_name);
      const swapped = await readModel.catalog.swapIn(filled, now);
      expect(swapped.every((t) => t.kind === 'live')).toBe(true);
      const after = (await readModel.catalog.entries()).map((e) => e.table_name);
      expect(after.some((table) => before.includes(table))).toBe(false);
      expect(await readModel.queries.view('contacts', '42')).toMatchObject({ id: 42 });
    });

    it('reports the views a scratch table differs in from the live one', async () => {
      await project();
      const [scratch] = await readModel.catalog.createScratch([named('contacts')], 'verify', now);
      if (scratch === undefined) throw new Error('a scratch table must be made');
      await readModel.writes.fill(scratch, new Map(rowsOf(named('contacts')).filter((row) => row.key !== '42').map((row) => [row.key, row.state])));
      const differing = await readModel.catalog.differingViews(scratch, 3);
      expect(differing).toMatchObject({ livePosition: 10, count: 1, examples: [{ key: '42', rebuilt: null }] });
      await readModel.catalog.dropScratch([scratch]);
    });

    it('enters a projection added beside others that have applied the log as built by no code: the rebuild builds it', async () => {
      await readModel.catalog.forgetAll();
      const [added, ...others] = projections;
      if (added === undefined) throw new Error('a projection is needed');
      await readModel.catalog.ensure(others, now);
      await readModel.writes.commit((await readModel.catalog.liveTargets(others)).map((t) => ({ target: t, rows: [], to: 10 })), [], now);
      await readModel.catalog.ensure(projections, now);
      expect((await readModel.catalog.entries()).find((e) => e.name === added.name)).toMatchObject({ version: UNBUILT_VERSION, position: 0 });
      expect((await readModel.catalog.outdated(projections)).map((p) => p.name)).toEqual([added.name]);
      expect((await readModel.catalog.liveTargets(projections)).map((t) => t.projection.name)).not.toContain(added.name);
      const scratch = await readModel.catalog.createScratch([added], 'rebuild', now);
      const filled = await readModel.writes.commit(scratch.map((t) => ({ target: t, rows: rowsOf(added), to: 10 })), [], now);
      await readModel.catalog.swapIn(filled, now);
      expect((await readModel.catalog.liveTargets(projections)).map((t) => [t.projection.name, t.position])).toContainEqual([added.name, 10]);
      expect(await readModel.catalog.outdated(projections)).toEqual([]);
    });

    it('needs a rebuild for a projection whose version changed, and leaves its live table to the rebuild', async () => {
      const bumped = projections.map((p) => (p.name === 'bookings' ? { ...p, version: p.version + 1 } : p));
      expect((await readModel.catalog.outdated(bumped)).map((p) => p.name)).toEqual(['bookings']);
      expect((await readModel.catalog.liveTargets(bumped)).map((t) => t.projection.name)).not.toContain('bookings');
    });

    it('records which log it was built from, and forgets everything when told', async () => {
      expect(await readModel.catalog.logIdentity()).toBeUndefined();
      await readModel.catalog.recordLogIdentity('log-1', now);
      expect(await readModel.catalog.logIdentity()).toBe('log-1');
      await project();
      await readModel.catalog.forgetAll();
      expect(await readModel.catalog.logIdentity()).toBeUndefined();
      expect(await readModel.catalog.entries()).toEqual([]);
      expect(await readModel.catalog.skippedByType()).toEqual({});
    });

    it('purges (after an erasure) and says so', async () => {
      await project();
      expect(await readModel.purge()).toBe(true);
    });
  });
};
