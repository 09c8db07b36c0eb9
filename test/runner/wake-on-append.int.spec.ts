import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wakeOnAppend } from '../../src/runner/wake-on-append.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';

const contactCreated = (id: number) => ({ id: randomUUID(), type: 'contact.created', data: { contact: { id } }, metadata: {} });

describe('waking a reader on append', () => {
  const cleanup = cleanupAfterEach();

  const embeddedStore = () => {
    const dir = makeTempDir('wake-on-append');
    cleanup.push(dir.remove);
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    cleanup.push(() => store.close());
    return store;
  };

  it('wakes after each append the embedded store committed, not after one it refused', async () => {
    let wakes = 0;
    const store = wakeOnAppend(embeddedStore(), () => (wakes += 1));
    await store.append('contact-1', [contactCreated(1)]);
    await store.append('contact-1', [contactCreated(2)], 5);
    expect(wakes).toBe(1);
  });

  it('never wakes for EventStoreDB, which pushes appends to its subscriptions itself', async () => {
    let wakes = 0;
    const store = wakeOnAppend({ ...embeddedStore(), kind: 'eventstoredb' }, () => (wakes += 1));
    await store.append('contact-1', [contactCreated(1)]);
    expect(wakes).toBe(0);
  });
});
