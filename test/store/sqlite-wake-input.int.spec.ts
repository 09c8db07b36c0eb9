import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';

const contactCreated = (id: number) => ({ id: randomUUID(), type: 'contact.created', data: { contact: { id } }, metadata: {} });

describe('the embedded store woken from outside', () => {
  const cleanup = cleanupAfterEach();

  /** A subscribing connection that polls once a minute and is woken by hand, and a second one that appends. */
  const twoConnections = () => {
    const dir = makeTempDir('sqlite-wake');
    cleanup.push(dir.remove);
    const file = join(dir.path, 'events.db');
    let wakeInput: () => void = () => undefined;
    const reader = openSqliteEventStore(file, { pollIntervalMs: 60_000, wakeInput: (input) => (wakeInput = input) });
    const writer = openSqliteEventStore(file);
    cleanup.push(() => reader.close(), () => writer.close());
    return { reader, writer, wake: () => wakeInput() };
  };

  it('reads, on wake, what another connection appended, without waiting for its poll', async () => {
    const { reader, writer, wake } = twoConnections();
    const subscription = reader.subscribe();
    cleanup.push(() => subscription.close());
    const events = subscription[Symbol.asyncIterator]();
    // Reads the empty log and waits for a signal: its poll, a minute away, or a wake.
    const first = events.next();
    let arrived: 'arrived' | undefined;
    void first.then(() => (arrived = 'arrived'));
    await writer.append('contact-1', [contactCreated(1)]);
    // Once what the append set off in this process has run (a turn of the event loop), nothing has woken it.
    await setImmediate();
    expect(arrived).toBeUndefined();
    wake();
    const next = (await first) as IteratorResult<RecordedEvent>;
    expect(next.value?.stream).toBe('contact-1');
  });

  it('reads again at once when woken while it was not waiting (between pages), rather than at its poll', async () => {
    const { reader, writer, wake } = twoConnections();
    await writer.append('contact-1', [contactCreated(1)]);
    const subscription = reader.subscribe();
    cleanup.push(() => subscription.close());
    const events = subscription[Symbol.asyncIterator]();
    // Paused on the one event of its page: the wake below finds no waiter.
    expect(((await events.next()) as IteratorResult<RecordedEvent>).value?.stream).toBe('contact-1');
    await writer.append('contact-2', [contactCreated(2)]);
    wake();
    const arrived = await Promise.race([events.next(), new Promise((resolve) => setTimeout(() => resolve('not yet'), 1_000))]);
    expect((arrived as IteratorResult<RecordedEvent>).value?.stream).toBe('contact-2');
  });
});
