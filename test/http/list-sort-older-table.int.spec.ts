import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { sortableDeliveries } from '../support/sortable-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('lists over a contacts table an earlier version made, while its rebuild runs', () => {
  const dir = makeTempDir('list-sort-older-table');
  let service: Service;

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    expect(await service.runner.waitFor(await postDeliveries(service.app, sortableDeliveries), 20_000)).toBe(true);
    // The live table as version 4 of the projection made it: without the column the name order reads.
    const db = new Database(join(dir.path, 'read-model.db'));
    try {
      const { table_name: table } = db.prepare<[], { table_name: string }>("SELECT table_name FROM read_models WHERE name = 'contacts'").get() ?? { table_name: '' };
      db.exec(`DROP INDEX ${table}_name_sort; ALTER TABLE ${table} DROP COLUMN name_sort`);
    } finally {
      db.close();
    }
  }, 30_000);
  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('answers a sort it cannot give yet with 503 and Retry-After, and every other list as usual', async () => {
    const refused = await service.app.inject({ method: 'GET', url: '/contacts?sort=name' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.json()).toMatchObject({ title: 'Sort not available yet', detail: expect.stringContaining('sort=name') });
    const byUpdate = await service.app.inject({ method: 'GET', url: '/contacts?sort=-updated_at&status=ACTIVE' });
    expect(byUpdate.statusCode).toBe(200);
    expect(byUpdate.json().items.map((c: { id: number }) => c.id)).toEqual([2, 4, 3, 1]);
  });
});
