import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { describeEventStoreContract } from './event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'skylight-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreContract('sqlite', {
  open: async () => openSqliteEventStore(join(dir, 'events.db'), { pageSize: 2 }),
});
