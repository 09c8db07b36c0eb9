import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { openEventStore } from '../../src/store/open-event-store.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';
import { makeTempDir } from '../support/temp-dir.js';

/** SQLite's codes for `PRAGMA synchronous`. */
const SYNCHRONOUS = { NORMAL: 1, FULL: 2 } as const;

/**
 * `PRAGMA synchronous` of the connection the store appends on, as configured by `env`. The setting belongs to the
 * connection, not the file, so it is read from the store's own connection, found among those the store set pragmas on.
 */
const synchronousOfStore = async (env: Record<string, string>, cleanup: (() => Promise<void> | void)[]): Promise<unknown> => {
  const dir = makeTempDir('durability');
  cleanup.push(dir.remove);
  const config = parseConfig({ DATA_DIR: dir.path, ...env });
  if (E.isLeft(config)) throw new Error(config.left);
  const pragmas = vi.spyOn(Database.prototype, 'pragma');
  cleanup.push(() => pragmas.mockRestore());
  const store = await openEventStore(config.right);
  cleanup.push(() => store.close());
  const connections = new Set(pragmas.mock.contexts.filter((db): db is Database.Database => db instanceof Database && db.name.endsWith('events.db')));
  expect(connections.size).toBe(1);
  return [...connections][0]?.pragma('synchronous', { simple: true });
};

describe('SQLITE_DURABILITY: what an acknowledged delivery survives', () => {
  const cleanup = cleanupAfterEach();

  it('is full by default: the store fsyncs every commit (synchronous = FULL), so a 2xx also survives power loss', async () => {
    expect(parseConfig({})).toEqual(E.right(expect.objectContaining({ SQLITE_DURABILITY: 'full' })));
    expect(await synchronousOfStore({}, cleanup)).toBe(SYNCHRONOUS.FULL);
  });

  it('is normal when asked for (synchronous = NORMAL)', async () => {
    expect(await synchronousOfStore({ SQLITE_DURABILITY: 'normal' }, cleanup)).toBe(SYNCHRONOUS.NORMAL);
  });
});
