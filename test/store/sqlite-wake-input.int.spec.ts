import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('the embedded store woken from outside', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('reads, on wake, what another connection appended, without waiting for its poll', async () => {
    const dir = makeTempDir('sqlite-wake');
    cleanup.push(dir.remove);
    const file = join(dir.path, 'events.db');
    let wake: () => void = () => undefined;
    const reader = openSqliteEventStore(file, { pollIntervalMs: 60_000, wakeInput: (input) => (wake = input) });
    const writer = openSqliteEventStore(file);
    cleanup.push(() => reader.close(), () => writer.close());
    const subscription = reader.subscribe();
    cleanup.push(() => subscription.close());
    const events = subscription[Symbol.asyncIterator]();
    const first = events.next();
    // The subscription has read the empty log and waits for a signal.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writer.append('contact-1', [{ id: randomUUID(), type: 'contact.created', data: { contact: { id: 1 } }, metadata: {} }]);
    const arrived = await Promise.race([first, new Promise((resolve) => setTimeout(() => resolve('not yet'), 200))]);
    expect(arrived).toBe('not yet');
    wake();
    const next = (await first) as IteratorResult<RecordedEvent>;
    expect(next.value?.stream).toBe('contact-1');
  });
});
