import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { noTmpfs, run, unavailable } from '../support/mounts.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Real storage faults under a running server: a data directory on a tiny tmpfs that fills up (and is then grown),
 * and an ext4 filesystem that the kernel turns read-only under it (errors=remount-ro, as on a disk error). Both need
 * root and mount; where that is not allowed the tests are skipped by name, with the reason.
 */

const noExt4ErrorTrigger = unavailable(() => {
  const probe = makeTempDir('ext4-probe');
  const mountPoint = join(probe.path, 'mnt');
  try {
    mkdirSync(mountPoint);
    run('truncate', ['-s', '8M', join(probe.path, 'fs.img')]);
    run('mkfs.ext4', ['-q', '-F', join(probe.path, 'fs.img')]);
    run('mount', ['-o', 'loop', join(probe.path, 'fs.img'), mountPoint]);
    try {
      const device = basename(run('findmnt', ['-n', '-o', 'SOURCE', mountPoint]).trim());
      if (!existsSync(`/sys/fs/ext4/${device}/trigger_fs_error`)) throw new Error('the kernel has no ext4 trigger_fs_error');
    } finally {
      run('umount', [mountPoint]);
    }
  } finally {
    probe.remove();
  }
});

const DISK_FULL = 'answers 503 with Retry-After while its disk is full, never a 2xx for what is not stored, and recovers by itself once there is room';
const READ_ONLY = 'answers 503 with Retry-After once its filesystem turns read-only, loses no 2xx (SQLITE_DURABILITY=full), and serves again after a restart';
if (noTmpfs !== undefined) console.warn(`skipped "${DISK_FULL}": cannot mount a tmpfs (${noTmpfs})`);
if (noExt4ErrorTrigger !== undefined) console.warn(`skipped "${READ_ONLY}": cannot mount an ext4 image and trigger an error (${noExt4ErrorTrigger})`);

/** A contact.created of its own contact, padded so that a few fill a small disk. */
const delivery = (n: number, padding = 0) =>
  JSON.stringify({
    event: 'contact.created',
    delivery_id: `fault-${n}`,
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: { contact: { id: n, name: `Contact ${n}`, company: 'x'.repeat(padding) } },
  });

type Answer = { status: number; retryAfter: string | null; eventId?: string; position?: number };

const post = async (url: string, body: string): Promise<Answer> => {
  const response = await fetch(`${url}/webhooks/skylight`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await response.json()) as { event_id?: string; position?: number };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), eventId: json.event_id, position: json.position };
};

/** /ready's status and, when not ready, its reasons. */
const readiness = async (url: string): Promise<{ status: number; reasons: string[] }> => {
  const response = await fetch(`${url}/ready`);
  const body = (await response.json()) as { reasons?: string[] };
  return { status: response.status, reasons: body.reasons ?? [] };
};

/** Every event id in the log under `dataDir`, with how often it is there. */
const storedIds = async (dataDir: string): Promise<Map<string, number>> => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
  const counts = new Map<string, number>();
  try {
    for await (const event of store.readAll()) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
  } finally {
    await store.close();
  }
  return counts;
};

describe('a server whose event store hits a real storage fault', () => {
  let work: ReturnType<typeof makeTempDir>;
  let server: ServerProcess | undefined;
  const mounted: string[] = [];

  beforeEach(() => {
    work = makeTempDir('store-fault');
  });
  afterEach(async () => {
    // The server first (it holds the files open), then whatever was mounted, whatever happened.
    await server?.stop('SIGKILL');
    server = undefined;
    for (const mountPoint of mounted.splice(0).reverse()) {
      try {
        run('umount', [mountPoint]);
      } catch (error) {
        console.warn(`could not unmount ${mountPoint}: ${String(error)}`);
      }
    }
    work.remove();
  });

  it.skipIf(noTmpfs !== undefined)(DISK_FULL, async () => {
    const dataDir = work.path;
    run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dataDir]);
    mounted.push(dataDir);
    server = await startServerProcess({ DATA_DIR: dataDir, MIN_POSITION_WAIT_MS: '8000' });
    const { url } = server;

    // Fill the disk: rounds of 8 concurrent ~64 KB deliveries (sharing commits) until two rounds are refused whole.
    const answers = new Map<number, Answer>();
    let refusedRounds = 0;
    for (let round = 0; round < 25 && refusedRounds < 2; round++) {
      const numbers = Array.from({ length: 8 }, (_, i) => round * 8 + i + 1);
      const roundAnswers = await Promise.all(numbers.map((n) => post(url, delivery(n, 64 * 1024))));
      roundAnswers.forEach((answer, i) => answers.set(numbers[i] as number, answer));
      refusedRounds = roundAnswers.every((a) => a.status === 503) ? refusedRounds + 1 : 0;
    }
    const all = [...answers.values()];
    expect(all.filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);
    const acknowledged = all.filter((a) => a.status === 202);
    const refused = [...answers].filter(([, a]) => a.status === 503).map(([n]) => n);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refusedRounds).toBe(2);
    expect(all.filter((a) => a.status === 503).every((a) => a.retryAfter === '5')).toBe(true);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await readiness(url)).toEqual({ status: 503, reasons: expect.arrayContaining([expect.stringMatching(/SQLITE_FULL/)]) });
    expect(server.child.exitCode).toBeNull();

    // Room again, without a restart: ready again, and the refused deliveries, retried as the provider would, are taken.
    run('mount', ['-o', 'remount,size=64m', dataDir]);
    expect(await readiness(url)).toEqual({ status: 200, reasons: [] });
    const retried = await Promise.all(refused.map((n) => post(url, delivery(n, 64 * 1024))));
    expect(retried.map((a) => a.status)).toEqual(refused.map(() => 202));
    const last = await post(url, delivery(1000));
    expect(last.status).toBe(202);
    // The runner has caught up with everything, up to the last position.
    const caughtUp = await fetch(`${url}/contacts/1000?min_position=${last.position}`);
    expect(caughtUp.status).toBe(200);

    // Every 2xx is in the log exactly once; nothing else is.
    expect(await server.stop('SIGTERM')).toBe(0);
    const stored = await storedIds(dataDir);
    const acknowledgedIds = [...acknowledged, ...retried, last].map((a) => a.eventId as string);
    expect(acknowledgedIds.filter((id) => stored.get(id) !== 1)).toEqual([]);
    expect(stored.size).toBe(acknowledgedIds.length);
    console.log(
      `disk full: ${acknowledged.length} deliveries of 64 KB taken on a 2 MB tmpfs, then 503 + Retry-After ×${refused.length}; ` +
        `health 200 throughout; after growing it to 64 MB all ${refused.length} retries taken without a restart; ${stored.size} stored, each once`,
    );
  }, 60_000);

  it.skipIf(noExt4ErrorTrigger !== undefined)(READ_ONLY, async () => {
    const image = join(work.path, 'fs.img');
    const dataDir = join(work.path, 'data');
    mkdirSync(dataDir);
    run('truncate', ['-s', '32M', image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    run('mount', ['-o', 'loop,errors=remount-ro', image, dataDir]);
    mounted.push(dataDir);
    const device = basename(run('findmnt', ['-n', '-o', 'SOURCE', dataDir]).trim());
    const env = { DATA_DIR: dataDir, SQLITE_DURABILITY: 'full' };
    server = await startServerProcess(env);

    const before = [];
    for (let n = 1; n <= 10; n++) before.push(await post(server.url, delivery(n)));
    expect(before.map((a) => a.status)).toEqual(before.map(() => 202));

    // A disk error as the kernel handles it with errors=remount-ro: from now on every write is EROFS.
    writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, 'store-faults test');
    expect(run('findmnt', ['-n', '-o', 'OPTIONS', dataDir])).toMatch(/emergency_ro|^ro,/);
    const during = [];
    for (let n = 11; n <= 15; n++) during.push(await post(server.url, delivery(n)));
    expect(during.map((a) => [a.status, a.retryAfter])).toEqual(during.map(() => [503, '5']));
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await readiness(server.url)).toEqual({ status: 503, reasons: expect.arrayContaining([expect.stringMatching(/refuses writes|last append failed/)]) });
    expect((await fetch(`${server.url}/contacts/1`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();

    // Such a filesystem only comes back through unmount and fsck; then the server starts again on it.
    await server.stop('SIGTERM');
    server = undefined;
    run('umount', [dataDir]);
    mounted.pop();
    try {
      run('e2fsck', ['-fy', image]);
    } catch (error) {
      // 1: errors corrected, as expected after a forced read-only remount.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    run('mount', ['-o', 'loop,errors=remount-ro', image, dataDir]);
    mounted.push(dataDir);
    server = await startServerProcess(env);

    const stored = await storedIds(dataDir);
    expect(before.filter((a) => stored.get(a.eventId as string) !== 1)).toEqual([]);
    expect(stored.size).toBe(before.length);
    const again = [];
    for (let n = 1; n <= 15; n++) again.push((await post(server.url, delivery(n))).status);
    expect(again).toEqual([...before.map(() => 200), ...during.map(() => 202)]);
    console.log(
      `read-only: ${before.length} taken, then the filesystem turned read-only: ${during.length} × 503 + Retry-After, health 200, ` +
        `no crash; after fsck and a restart all ${before.length} acknowledged deliveries are there once and the refused ones are taken`,
    );
  }, 60_000);
});
