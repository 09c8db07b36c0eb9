import { closeSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedStore, EventToAppend } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { noTmpfs, run } from '../support/mounts.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The embedded store on a real tmpfs that is nearly full: room for a couple of 64 KB deliveries, while eight arrive
 * together and would share one commit. Needs root and mount; skipped by name, with the reason, where that is not allowed.
 */

const NEARLY_FULL = 'the embedded store on a disk with room for some of the appends that arrive together';
if (noTmpfs !== undefined) console.warn(`skipped "${NEARLY_FULL}": cannot mount a tmpfs (${noTmpfs})`);

const delivery = (n: number): EventToAppend => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'contact.created',
  data: { contact: { id: n, company: 'x'.repeat(64 * 1024) } },
  metadata: { delivery_id: `full-${n}` },
});

/** Fills the filesystem under `dir` to the last byte, then gives `room` bytes back. */
const leaveRoom = (filler: string, room: number) => {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const fd = openSync(filler, 'w');
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  truncateSync(filler, Math.max(0, statSync(filler).size - room));
};

const storedIds = async (store: OpenedStore): Promise<string[]> => {
  const ids: string[] = [];
  for await (const event of store.readAll()) ids.push(event.id);
  return ids;
};

describe.skipIf(noTmpfs !== undefined)(NEARLY_FULL, () => {
  let work: ReturnType<typeof makeTempDir>;
  let store: OpenedStore | undefined;
  let mounted = false;

  beforeEach(() => {
    work = makeTempDir('nearly-full');
    run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', work.path]);
    mounted = true;
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    if (mounted) run('umount', [work.path]);
    mounted = false;
    work.remove();
  });

  it('stores the appends that fit, refuses only the rest with SQLITE_FULL, and is not probed ready until the refused ones fit', async () => {
    store = openSqliteEventStore(join(work.path, 'events.db'));
    const s = store;
    expect(E.isRight(await s.append('contact-0', [delivery(0)], 'any'))).toBe(true);
    const filler = join(work.path, 'filler');
    leaveRoom(filler, 200 * 1024);

    const numbers = [1, 2, 3, 4, 5, 6, 7, 8];
    const results = await Promise.all(numbers.map((n) => s.append(`contact-${n}`, [delivery(n)], 'any')));
    const taken = numbers.filter((_, i) => E.isRight(results[i] as E.Either<unknown, unknown>));
    const refused = results.filter(E.isLeft).map((r) => r.left);
    expect(taken.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((error) => error.kind === 'store_unavailable' && /SQLITE_FULL/.test(error.reason))).toBe(true);
    expect(await storedIds(s)).toEqual([0, ...taken].map((n) => delivery(n).id));
    expect(E.isLeft(await s.probeWrites())).toBe(true);

    rmSync(filler);
    expect(await s.probeWrites()).toEqual(E.right(undefined));
    const retried = numbers.filter((n) => !taken.includes(n));
    const again = await Promise.all(retried.map((n) => s.append(`contact-${n}`, [delivery(n)], 'any')));
    expect(again.every(E.isRight)).toBe(true);
    expect((await storedIds(s)).sort()).toEqual([0, ...numbers].map((n) => delivery(n).id).sort());
    console.log(`nearly full: of 8 × 64 KB arriving together with 200 KB left, ${taken.length} stored and ${refused.length} refused; all ${retried.length} taken once the room returned`);
  });
});
