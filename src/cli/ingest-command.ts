import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { IncomingDelivery } from '../intake/accept-delivery.js';
import type { IntakeOutcome, IntakeStatus } from '../intake/intake-outcome.js';
import { progressLine } from './progress.js';

/** Deliveries in flight at once: enough for appends to share commits, bounded so memory stays flat. */
const WINDOW = 256;

export type IngestSummary = { readonly lines: number; readonly counts: Partial<Record<IntakeStatus, number>> };

/**
 * Feeds a JSONL file (one envelope per line: a provider export, a backfill, a dead-letter dump) through exactly
 * the pipeline webhooks take. Blank lines are skipped; every other line gets a status.
 */
export const ingestLines = async (
  input: Readable,
  accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>,
  onProgress: (done: number) => void = () => undefined,
): Promise<IngestSummary> => {
  const counts: Partial<Record<IntakeStatus, number>> = {};
  const inflight = new Set<Promise<void>>();
  let lines = 0;
  let done = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    lines += 1;
    const task = accept({ body: Buffer.from(line), headers: {}, channel: 'cli' }).then((outcome) => {
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
      done += 1;
      onProgress(done);
      inflight.delete(task);
    });
    inflight.add(task);
    if (inflight.size >= WINDOW) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  return { lines, counts };
};

export const runIngest = async (
  file: string,
  accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>,
  options: { json: boolean },
): Promise<number> => {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const progress = progressLine(process.stderr, 'ingested');
  const summary = await ingestLines(input, accept, (done) => progress.tick(done));
  progress.finish();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(`${summary.lines} deliveries\n`);
    for (const [status, count] of Object.entries(summary.counts)) process.stdout.write(`  ${status.padEnd(13)} ${count}\n`);
  }
  return (summary.counts.unavailable ?? 0) > 0 ? 1 : 0;
};
