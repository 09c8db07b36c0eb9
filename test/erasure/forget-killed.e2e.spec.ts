import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { valuesFoundUnder } from '../support/data-dir-bytes.js';
import { eventually } from '../support/eventually.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const MESSAGES = 6_000;
const messageText = (n: number) => `private note number ${n} from Sarah`;

const cli = (dataDir: string, ...args: string[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir }, stdio: 'ignore' });
  return { child, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
};

/** Events of the conversation: rewritten (marked and redacted) or untouched; never one without the other. */
const rewriteStates = (dataDir: string) => {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db
      .prepare<[], { marked: number; redacted: number; n: number }>(
        `SELECT json_extract(metadata, '$.erased_by') IS NOT NULL AS marked,
                json_extract(data, '$.message.content') = '[redacted]' AS redacted, COUNT(*) AS n
         FROM events WHERE stream = 'conversation-42' GROUP BY 1, 2`,
      )
      .all();
  } finally {
    db.close();
  }
};

/**
 * How many events of the conversation are rewritten, or undefined when the file cannot be read now: frozen in the
 * middle of a WAL operation, the forget's process may hold a lock the look needs (SQLITE_PROTOCOL, SQLITE_BUSY).
 */
const lookedAt = (dataDir: string): number | undefined => {
  try {
    return rewriteStates(dataDir).filter((row) => row.marked === 1).reduce((sum, row) => sum + row.n, 0);
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'SQLITE_PROTOCOL' || error.code === 'SQLITE_BUSY')) return undefined;
    throw error;
  }
};

/** Runs a CLI forget of contact 42 and SIGKILLs it once part of the conversation is rewritten; true if it was. */
const killPartWay = async (dataDir: string): Promise<boolean> => {
  const run = cli(dataDir, 'contact', 'forget', '42', '--reason', 'erasure request');
  try {
    return await eventually(
      'part of the conversation is rewritten',
      () => {
        if (run.child.exitCode !== null) return false;
        // Frozen while it is looked at: the state seen part-way is the state the kill leaves (on a quiet machine
        // the rest of the rewrite would otherwise commit between the look and the kill).
        run.child.kill('SIGSTOP');
        const marked = lookedAt(dataDir);
        if (marked !== undefined && marked > 0 && marked < MESSAGES) return true;
        run.child.kill('SIGCONT');
        return undefined;
      },
      60_000,
    );
  } finally {
    run.child.kill('SIGKILL');
    await run.exited;
  }
};

/** Six thousand messages from Sarah (42), stored as intake stores them. */
const seed = async (dataDir: string) => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
  const accept = acceptDelivery({ store, now: () => new Date() });
  const deliveries = Array.from({ length: MESSAGES }, (_, n) => ({
    event: 'message.received',
    delivery_id: `kill-${n}`,
    timestamp: '2026-03-04T13:00:00.000000Z',
    data: { message: { id: 10_000 + n, content: messageText(n) }, contact: { id: 42, name: 'Sarah Johnson' } },
  }));
  for (let from = 0; from < deliveries.length; from += 500) {
    await Promise.all(
      deliveries.slice(from, from + 500).map((delivery) => accept({ body: Buffer.from(JSON.stringify(delivery)), headers: {}, channel: 'cli' })),
    );
  }
  await store.close();
};

describe('a forget killed with SIGKILL part-way', () => {
  const dir = makeTempDir('forget-kill');
  const resumed = makeTempDir('forget-kill-resume');

  beforeAll(async () => {
    await seed(dir.path);
    await seed(resumed.path);
  }, 120_000);
  afterAll(() => {
    dir.remove();
    resumed.remove();
  });

  it('leaves each event old or erased, never half-written, and running it again completes it', async () => {
    expect(await killPartWay(dir.path)).toBe(true);
    const states = rewriteStates(dir.path);
    expect(states.every((row) => row.marked === row.redacted)).toBe(true);
    expect(states.some((row) => row.marked === 0)).toBe(true);

    const again = cli(dir.path, 'contact', 'forget', '42', '--reason', 'erasure request');
    expect(await again.exited).toBe(0);
    expect(rewriteStates(dir.path)).toEqual([{ marked: 1, redacted: 1, n: MESSAGES }]);
    expect(valuesFoundUnder(dir.path, ['Sarah Johnson', messageText(0), messageText(MESSAGES - 1)])).toEqual([]);
  }, 120_000);

  it('is finished by the server as it starts, when it was interrupted before it could record the erasure', async () => {
    expect(await killPartWay(resumed.path)).toBe(true);
    const token = 'resume-token-0123456789-abcdefghijkl';
    const service = await serviceHarness(resumed.path, { API_TOKEN: token });
    let open = true;
    try {
      const listing = await eventually(
        'the server has finished the forget',
        async () => {
          const items = (await service.app.inject({ method: 'GET', url: '/erasures', headers: { authorization: `Bearer ${token}` } })).json().items as unknown[];
          return items.length > 0 ? items : undefined;
        },
        60_000,
      );
      expect(listing).toMatchObject([{ contact_id: 42, reason: 'erasure request' }]);
      await service.close();
      open = false;
      expect(rewriteStates(resumed.path)).toEqual([{ marked: 1, redacted: 1, n: MESSAGES }]);
      expect(valuesFoundUnder(resumed.path, ['Sarah Johnson', messageText(0), messageText(MESSAGES - 1)])).toEqual([]);
    } finally {
      if (open) await service.close();
    }
  }, 120_000);
});
