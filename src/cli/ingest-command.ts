import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { IncomingDelivery } from '../intake/accept-delivery.js';
import type { IntakeOutcome, IntakeStatus } from '../intake/intake-outcome.js';
import { progressLine } from './progress.js';

/** Deliveries in flight at once: enough for appends to share commits, bounded so memory stays flat. */
const WINDOW = 256;
/** Lines not appended that are named one by one; beyond this they are only counted. */
const LISTED = 1000;

/** A line that did not become an event of its own: kept aside in the quarantine, or not stored at all. */
type NotAppended = { readonly line: number; readonly status: IntakeStatus; readonly reason: string };

type IngestSummary = {
  readonly lines: number;
  readonly counts: Partial<Record<IntakeStatus, number>>;
  /** In line order, the first LISTED of them. */
  readonly not_appended: readonly NotAppended[];
};

/** The order counts are printed in, whatever order the lines finished in. */
const STATUS_ORDER: readonly IntakeStatus[] = ['appended', 'duplicate', 'quarantined', 'unrecognized', 'rejected', 'unauthorized', 'unavailable'];

/** Exit codes of `ingest`, as documented in docs/cli.md. */
const INGEST_EXIT = { ok: 0, notStored: 1, keptAside: 3 } as const;

const reasonOf = (outcome: IntakeOutcome): string | undefined => {
  switch (outcome.status) {
    case 'appended':
    case 'duplicate':
      return undefined;
    case 'unrecognized':
      return `unknown event ${outcome.event}`;
    default:
      return outcome.reason;
  }
};

/**
 * Feeds a JSONL file (one envelope per line: a provider export, a backfill, a dead-letter dump) through exactly
 * the pipeline webhooks take. Blank lines are skipped; every other line gets a status, and those that were not
 * appended (nor duplicates of what is stored) are named by their line number.
 */
export const ingestLines = async (
  input: Readable,
  accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>,
  onProgress: (done: number) => void = () => undefined,
): Promise<IngestSummary> => {
  const counts: Partial<Record<IntakeStatus, number>> = {};
  const notAppended: NotAppended[] = [];
  const inflight = new Set<Promise<void>>();
  let lineNumber = 0;
  let lines = 0;
  let done = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    lines += 1;
    const at = lineNumber;
    const task = accept({ body: Buffer.from(line), headers: {}, channel: 'cli' }).then((outcome) => {
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
      const reason = reasonOf(outcome);
      if (reason !== undefined) notAppended.push({ line: at, status: outcome.status, reason });
      done += 1;
      onProgress(done);
      inflight.delete(task);
    });
    inflight.add(task);
    if (inflight.size >= WINDOW) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  return { lines, counts, not_appended: notAppended.sort((a, b) => a.line - b.line).slice(0, LISTED) };
};

/** 1 when something was not stored at all (store unavailable: run the file again), 3 when something was kept aside. */
const ingestExitCode = (summary: IngestSummary): number => {
  if (summary.not_appended.length === 0) return INGEST_EXIT.ok;
  const { unavailable = 0, unauthorized = 0 } = summary.counts;
  return unavailable + unauthorized > 0 ? INGEST_EXIT.notStored : INGEST_EXIT.keptAside;
};

export const runIngest = async (
  file: string,
  accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>,
  options: { json: boolean; cwd: string },
): Promise<number> => {
  const input = file === '-' ? process.stdin : createReadStream(resolve(options.cwd, file));
  const progress = progressLine(process.stderr, 'ingested');
  const summary = await ingestLines(input, accept, (done) => progress.tick(done));
  progress.finish();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(`${summary.lines} deliveries\n`);
    for (const status of STATUS_ORDER) {
      const count = summary.counts[status];
      if (count !== undefined) process.stdout.write(`  ${status.padEnd(13)} ${count}\n`);
    }
    for (const { line, status, reason } of summary.not_appended) process.stderr.write(`line ${line}: ${status}: ${reason}\n`);
    const unlisted = summary.lines - (summary.counts.appended ?? 0) - (summary.counts.duplicate ?? 0) - summary.not_appended.length;
    if (unlisted > 0) process.stderr.write(`... and ${unlisted} more not appended\n`);
  }
  return ingestExitCode(summary);
};
