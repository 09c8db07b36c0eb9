import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { toMicros } from '../../src/events/timestamp.js';
import { decodeCursor } from '../../src/read-model/list-cursor.js';
import { sortOf, sortTexts, type SortText } from '../../src/read-model/list-sort.js';
import { nameSortKey } from '../../projections/view-row.js';
import type { Page } from '../../src/read-model/page.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { sortKeyOf } from '../../src/read-model/sort-key.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';

const now = '2026-03-05T00:00:00.000Z';

type Row = { readonly id: number; readonly name: string | null; readonly updated_at: string | null; readonly deleted: false };

/** Few distinct values, so that ties and rows without a value are common; names that differ only in case or accents. */
const row = (id: number) =>
  fc.record({
    id: fc.constant(id),
    name: fc.constantFrom(null, 'ana', 'Ana', 'Ána', 'bo', 'Bo', 'zed', '[redacted]'),
    updated_at: fc.constantFrom(null, '2026-03-01T00:00:00.000000Z', '2026-03-01T00:00:00.000001Z', '2026-03-02T00:00:00Z'),
    deleted: fc.constant(false as const),
  });

const rows = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 25 }).chain((ids) => fc.tuple(...ids.map(row)));

/** The order the list promises, computed here without SQL: by value, rows without one last, ties by id; all reversed with `-`. */
const sortedWhole = (all: readonly Row[], text: SortText<'contacts'>): number[] => {
  const { field, descending } = sortOf(text);
  const valueOf = (r: Row): string | number | null =>
    field === 'name' ? nameSortKey(r.name) : field === 'updated_at' ? (r.updated_at === null ? null : toMicros(r.updated_at)) : null;
  const compare = (a: Row, b: Row): number => {
    const [va, vb] = [valueOf(a), valueOf(b)];
    if ((va === null) !== (vb === null)) return va === null ? 1 : -1;
    const byValue = va === null || vb === null || va === vb ? 0 : va < vb ? -1 : 1;
    const byKey = sortKeyOf(String(a.id)) < sortKeyOf(String(b.id)) ? -1 : 1;
    return (descending ? -1 : 1) * (byValue !== 0 ? byValue : byKey);
  };
  return [...all].sort(compare).map((r) => r.id);
};

const listed = async (readModel: ReadModel, sort: SortText<'contacts'>, limit: number, cursor?: string): Promise<Page<Row>> => {
  const page = await readModel.queries.list<'contacts', Row>('contacts', {}, { sort, limit, cursor: cursor === undefined ? undefined : decodeCursor(cursor) });
  if (E.isLeft(page)) throw new Error(`refused: ${page.left.kind}`);
  return page.right;
};

describe('paging a sorted list of the embedded read model', () => {
  it('walks every page forward to the sorted whole, and back through the same pages to the first', async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.constantFrom(...sortTexts('contacts')), fc.integer({ min: 1, max: 6 }), async (all, sort, limit) => {
        const readModel = openSqliteReadModel(':memory:');
        try {
          await readModel.catalog.ensure(projections, now);
          const live = (await readModel.catalog.liveTargets(projections)).find((t) => t.projection.name === 'contacts');
          if (live === undefined) throw new Error('no contacts table');
          const target = { ...live, projection: { ...live.projection, view: (state: unknown) => state } };
          await readModel.writes.commit([{ target, rows: all.map((r) => ({ key: String(r.id), state: r })), to: 1 }], [], now);

          const forward = [await listed(readModel, sort, limit)];
          for (let next = forward[0]?.next_cursor ?? null; next !== null; next = forward.at(-1)?.next_cursor ?? null) forward.push(await listed(readModel, sort, limit, next));
          expect(forward.flatMap((p) => p.items.map((r) => r.id))).toEqual(sortedWhole(all, sort));

          const back: Page<Row>[] = [];
          for (let prev = forward.at(-1)?.prev_cursor ?? null; prev !== null; prev = back.at(-1)?.prev_cursor ?? null) back.push(await listed(readModel, sort, limit, prev));
          expect(back.map((p) => p.items)).toEqual(forward.slice(0, -1).reverse().map((p) => p.items));
        } finally {
          await readModel.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
