import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { projections } from '../projections/registry.js';
import { parseConfig } from '../src/config.js';
import { openReadModel } from '../src/read-model/open-read-model.js';
import { catchUp } from '../src/runner/catch-up.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';

/**
 * Runs in its own process (bench/catch-up-process.ts starts it): folds DATA_DIR's event log into the read model the
 * service would open there (DATA_DIR's file, or READ_MODEL_URL's schema READ_MODEL_SCHEMA) with the runner's
 * catch-up, and prints the time it took and the process's peak resident memory as JSON.
 */
const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: catch-up-child DATA_DIR');
const config = parseConfig({ ...process.env, DATA_DIR: dataDir });
if (E.isLeft(config)) throw new Error(config.left);
const store = openSqliteEventStore(join(dataDir, 'events.db'));
const db = await openReadModel(config.right);
const started = performance.now();
const result = await catchUp({ store, readModel: db, projections });
const seconds = (performance.now() - started) / 1000;
await store.close();
await db.close();
// maxRSS is in kilobytes on Linux.
process.stdout.write(JSON.stringify({ events: result.events, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
