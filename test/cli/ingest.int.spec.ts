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
      expect(summary).toEqual({
        lines: allExamples.length + 4,
        counts: { appended: allExamples.length, duplicate: 1, quarantined: 1, unrecognized: 1, rejected: 1 },
      });
      const stream = await store.readStream('contact-42');
      expect(E.isRight(stream) && stream.right[0]?.metadata['channel']).toBe('cli');
    } finally {
      await store.close();
    }
  });

  it('runs from the command line, reading a file and printing JSON counts', async () => {
    const file = join(dir.path, 'export.jsonl');
    writeFileSync(file, jsonl);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ingest', file, '--json'], {
      env: { ...process.env, DATA_DIR: dir.path },
    });
    expect(JSON.parse(stdout)).toMatchObject({ lines: allExamples.length + 4, counts: { appended: allExamples.length, duplicate: 1 } });
  });
});
