import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { projections } from '../../projections/registry.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { verifyReadModel } from '../../src/runner/verify.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const delivery = (n: number) =>
  JSON.stringify({
    event: 'contact.updated',
    delivery_id: `d-${n}-${Math.random()}`,
    timestamp: '2026-03-04T12:05:00.000000Z',
    data: { contact: { id: n % 500, name: `Name ${n}`, updated_at: '2026-03-04T12:05:00.000000Z' } },
  });

type Acked = { n: number; event_id: string };

/** Posts deliveries 0..count-1 (each twice, as a provider retry would) with `concurrency` senders until stopped. */
const postUntilStopped = async (url: string, from: number, count: number, concurrency: number): Promise<Acked[]> => {
  const acked: Acked[] = [];
  let next = from;
  const sender = async () => {
    while (next < from + count) {
      const n = next++;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const response = await fetch(`${url}/webhooks/skylight`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: delivery(n),
          });
          if (response.status === 200 || response.status === 202) acked.push({ n, event_id: ((await response.json()) as { event_id: string }).event_id });
        } catch {
          return; // the server is gone
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return acked;
};

describe('a server killed with SIGKILL during intake', () => {
  const dir = makeTempDir('crash');
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await server?.stop('SIGKILL');
    dir.remove();
  });

  it('loses no delivery that got a 2xx and stores each exactly once', async () => {
    const env = { DATA_DIR: dir.path };
    const acked: Acked[] = [];
    // `npm run test:soak` runs many more rounds.
    const kills = process.env['SOAK'] === '1' ? 40 : 5;
    for (let round = 0; round < kills; round++) {
      server = await startServerProcess(env);
      const sending = postUntilStopped(server.url, round * 5000, 5000, 16);
      await new Promise((resolve) => setTimeout(resolve, 300 + (round % 4) * 150));
      await server.stop('SIGKILL');
      acked.push(...(await sending));
    }
    expect(acked.length).toBeGreaterThan(kills * 10);

    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    const stored: RecordedEvent[] = [];
    let verification;
    try {
      for await (const event of store.readAll()) stored.push(event);
      // The runner was killed mid-batch too: what it had committed must equal a clean fold of the log.
      verification = await verifyReadModel({ store, readModel, projections });
    } finally {
      await store.close();
      await readModel.close();
    }
    const countById = new Map<string, number>();
    for (const event of stored) countById.set(event.id, (countById.get(event.id) ?? 0) + 1);
    const lost = acked.filter((a) => !countById.has(a.event_id));
    const repeated = [...countById.values()].filter((count) => count > 1);
    expect(lost).toEqual([]);
    expect(repeated).toEqual([]);
    expect(verification.matches).toBe(true);
    console.log(`crash test: ${acked.length} deliveries acknowledged over ${kills} SIGKILLs, ${lost.length} lost, ${repeated.length} duplicated`);
    // Five server starts through tsx take over vitest's default 20 s on a loaded 2-core machine.
  }, 120_000);
});
