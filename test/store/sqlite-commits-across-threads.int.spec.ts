import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';
import { makeTempDir } from '../support/temp-dir.js';

const contactCreated = (id: number) => ({ id: randomUUID(), type: 'contact.created', data: { contact: { id } }, metadata: {} });

/** The store's own module in a worker thread, appending one event to the file: another thread's connection. */
const appendInAnotherThread = async (file: string, stream: string): Promise<void> => {
  const sqlite = new URL('../../src/store/sqlite.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `
    const { register } = await import(${JSON.stringify(tsx)});
    register();
    const { openSqliteEventStore } = await import(${JSON.stringify(sqlite)});
    const store = openSqliteEventStore(${JSON.stringify(file)});
    await store.append(${JSON.stringify(stream)}, [{ id: crypto.randomUUID(), type: 'contact.created', data: {}, metadata: {} }]);
    await store.close();`;
  const worker = new Worker(`import(${JSON.stringify(`data:text/javascript,${encodeURIComponent(source)}`)})`, { eval: true });
  await new Promise((resolve, reject) => worker.once('exit', resolve).once('error', reject));
};

describe("the embedded store's subscriptions, told of commits made on other connections of the process", () => {
  const cleanup = cleanupAfterEach();

  /** A subscribing connection that would poll only once a minute: only being told can bring it an event in time. */
  const reader = () => {
    const dir = makeTempDir('sqlite-commits');
    cleanup.push(dir.remove);
    const file = join(dir.path, 'events.db');
    const store = openSqliteEventStore(file, { pollIntervalMs: 60_000 });
    cleanup.push(() => store.close());
    const subscription = store.subscribe();
    cleanup.push(() => subscription.close());
    return { file, events: subscription[Symbol.asyncIterator]() };
  };

  it('reads at once what another connection of this thread appended', async () => {
    const { file, events } = reader();
    const writer = openSqliteEventStore(file);
    cleanup.push(() => writer.close());
    const first = events.next();
    await writer.append('contact-1', [contactCreated(1)]);
    expect(((await first) as IteratorResult<RecordedEvent>).value?.stream).toBe('contact-1');
  });

  it('reads at once what a connection in another thread appended (the worker and the request thread)', async () => {
    const { file, events } = reader();
    const first = events.next();
    await appendInAnotherThread(file, 'contact-2');
    expect(((await first) as IteratorResult<RecordedEvent>).value?.stream).toBe('contact-2');
  });

  it('reads again when told while it was not waiting (between pages), rather than at its poll', async () => {
    const { file, events } = reader();
    const writer = openSqliteEventStore(file);
    cleanup.push(() => writer.close());
    await writer.append('contact-1', [contactCreated(1)]);
    // Paused on the one event of its page: the commit below is told while nobody waits.
    expect(((await events.next()) as IteratorResult<RecordedEvent>).value?.stream).toBe('contact-1');
    await writer.append('contact-2', [contactCreated(2)]);
    expect(((await events.next()) as IteratorResult<RecordedEvent>).value?.stream).toBe('contact-2');
  });
});
