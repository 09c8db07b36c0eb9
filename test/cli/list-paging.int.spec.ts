import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('list commands with --json', () => {
  const dir = makeTempDir('list-paging');
  const cli = async (...args: string[]) =>
    (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dir.path } }))
      .stdout;
  beforeAll(async () => {
    writeFileSync(join(dir.path, 'examples.jsonl'), allExamples.map((d) => JSON.stringify(d)).join('\n'));
    await cli('ingest', join(dir.path, 'examples.jsonl'));
  });
  afterAll(() => dir.remove());

  it('print the API page shape, whose next_cursor fetches the next page and prev_cursor the one before', async () => {
    const first = JSON.parse(await cli('bookings', 'list', '--limit', '1', '--json'));
    expect(first).toEqual({ items: [expect.objectContaining({ id: 101 })], next_cursor: expect.any(String), prev_cursor: null });
    const second = JSON.parse(await cli('bookings', 'list', '--limit', '1', '--cursor', first.next_cursor, '--json'));
    expect(second).toEqual({ items: [expect.objectContaining({ id: 102 })], next_cursor: null, prev_cursor: expect.any(String) });
    expect(JSON.parse(await cli('bookings', 'list', '--limit', '1', '--cursor', second.prev_cursor, '--json'))).toEqual(first);
  });

  it('sort the whole list with --sort, a cursor going on in the same sort', async () => {
    const first = JSON.parse(await cli('bookings', 'list', '--limit', '1', '--sort', '-id', '--json'));
    expect(first.items).toEqual([expect.objectContaining({ id: 102 })]);
    const second = JSON.parse(await cli('bookings', 'list', '--limit', '1', '--sort', '-id', '--cursor', first.next_cursor, '--json'));
    expect(second.items).toEqual([expect.objectContaining({ id: 101 })]);
  });
});
