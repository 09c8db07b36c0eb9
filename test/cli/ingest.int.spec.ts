import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestLines } from '../../src/cli/ingest-command.js';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

const jsonl = [
  ...allExamples.map((d) => JSON.stringify(d)),
  '',
  JSON.stringify(allExamples[0]),
  '{"event":"contact.created","delivery_id":"x","timestamp":"2026-03-04T12:00:00Z","data":{"contact":{}}}',
  '{"event":"invoice.paid","delivery_id":"y","timestamp":"2026-03-04T12:00:00Z","data":{}}',
  'not json',
].join('\n');

describe('ingest FILE', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir('ingest');
  });
  afterEach(() => dir.remove());

  it('feeds every line through the webhook pipeline and counts each status', async () => {
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    try {
      const summary = await ingestLines(Readable.from([jsonl]), acceptDelivery({ store, now: () => new Date() }));
      const line = allExamples.length + 3; // after the examples, a blank line and a retry
      expect(summary).toEqual({
        lines: allExamples.length + 4,
        counts: { appended: allExamples.length, duplicate: 1, quarantined: 1, unrecognized: 1, rejected: 1 },
        not_appended: [
          { line, status: 'quarantined', reason: expect.stringContaining('data.contact') },
          { line: line + 1, status: 'unrecognized', reason: 'unknown event invoice.paid' },
          { line: line + 2, status: 'rejected', reason: expect.any(String) },
        ],
      });
      const stream = await store.readStream('contact-42');
      expect(E.isRight(stream) && stream.right[0]?.metadata['channel']).toBe('cli');
    } finally {
      await store.close();
    }
  });

  const ingest = (file: string, env: Record<string, string> = {}, ...flags: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ingest', file, ...flags], {
      env: { ...process.env, DATA_DIR: dir.path, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('runs from the command line: JSON counts, the lines not appended by number, exit 3 when some were kept aside', async () => {
    const file = join(dir.path, 'export.jsonl');
    writeFileSync(file, jsonl);
    const result = await ingest(file, {}, '--json');
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({
      lines: allExamples.length + 4,
      counts: { appended: allExamples.length, duplicate: 1 },
      not_appended: [{ line: allExamples.length + 3 }, { line: allExamples.length + 4 }, { line: allExamples.length + 5 }],
    });
    const table = await ingest(file);
    expect(table.code).toBe(3);
    expect(table.stderr).toContain(`line ${allExamples.length + 4}: unrecognized: unknown event invoice.paid\n`);
  });

  it('exits 0 when every line was appended or a duplicate, and reads a relative path from where the user was (INIT_CWD)', async () => {
    writeFileSync(join(dir.path, 'clean.jsonl'), allExamples.map((d) => JSON.stringify(d)).join('\n'));
    const result = await ingest('clean.jsonl', { INIT_CWD: dir.path }, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ lines: allExamples.length, counts: { appended: allExamples.length }, not_appended: [] });
  });

  it('exits 1 naming the file when it cannot be read', async () => {
    const result = await ingest('missing.jsonl', { INIT_CWD: dir.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(dir.path, 'missing.jsonl'));
  });
});
