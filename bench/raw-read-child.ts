import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The rebuild's yardstick, in its own process like the catch-up it is compared with (bench/catch-up-process.ts
 * starts both): every event of DATA_DIR's log read in order with `.iterate()` and its data parsed, nothing else.
 * Prints the count, the time and the peak resident memory as JSON.
 */
const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: raw-read-child DATA_DIR');
const db = new Database(join(dataDir, 'events.db'), { readonly: true });
const started = performance.now();
let events = 0;
for (const row of db.prepare('SELECT data FROM events ORDER BY position').iterate() as IterableIterator<{ data: string }>) {
  JSON.parse(row.data);
  events += 1;
}
const seconds = (performance.now() - started) / 1000;
db.close();
// maxRSS is in kilobytes on Linux.
process.stdout.write(JSON.stringify({ events, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
