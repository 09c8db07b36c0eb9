import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantineEventId } from '../../src/events/canonical-json.js';
import { QUARANTINE_STREAM, QUARANTINED_EVENT_TYPE } from '../../src/events/route-delivery.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';
import { asCsvText, auditEntriesFromCsv } from './parse-csv.js';

const keptButValid = {
  event: 'contact.created',
  delivery_id: 'kept-1',
  timestamp: '2026-03-01T09:00:00Z',
  data: { contact: { id: 602, name: 'Kept Once', created_at: '2026-03-01T09:00:00Z' } },
};

describe('history and quarantine commands', { timeout: 60_000 }, () => {
  const dir = makeTempDir('history-cli');
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        env: { ...process.env, DATA_DIR: dir.path, LOG_LEVEL: 'silent' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    const file = join(dir.path, 'reference.jsonl');
    writeFileSync(file, allExamples.map((delivery) => JSON.stringify(delivery)).join('\n'));
    expect((await cli('ingest', file)).code).toBe(0);
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    await store.append(QUARANTINE_STREAM, [
      {
        id: quarantineEventId('cli test'),
        type: QUARANTINED_EVENT_TYPE,
        data: { reason: 'older schema', issues: [], event: 'contact.created', delivery_id: 'kept-1', body_text: JSON.stringify(keptButValid) },
        metadata: { delivery_id: 'kept-1', received_at: '2026-03-01T09:00:01.000Z', signature: 'not_configured', channel: 'cli', headers: {} },
      },
    ]);
    await store.close();
  }, 60_000);
  afterAll(() => dir.remove());

  it('contact audit 42 --format csv --raw prints the trail as CSV, the same as --format json', async () => {
    const csv = await cli('contact', 'audit', '42', '--format', 'csv', '--raw');
    expect(csv.code).toBe(0);
    const json = JSON.parse((await cli('contact', 'audit', '42', '--format', 'json')).stdout);
    expect(json.entries.map((entry: { event: string }) => entry.event)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
    expect(auditEntriesFromCsv(csv.stdout)).toEqual(asCsvText(json.entries));
  });

  it('contact audit --format csv escapes a cell a spreadsheet would run (a phone number starting with +); --raw does not', async () => {
    const phone = (out: string) => out.split('\r\n').find((row) => row.includes(',phone,'))?.split(',phone,')[1];
    expect(phone((await cli('contact', 'audit', '42', '--format', 'csv')).stdout)).toBe("null,'+14155551234");
    expect(phone((await cli('contact', 'audit', '42', '--format', 'csv', '--raw')).stdout)).toBe('null,+14155551234');
  });

  it('contact audit prints a timeline for people, bounded by --from/--to', async () => {
    const { stdout } = await cli('contact', 'audit', '42', '--from', '2026-03-04T12:05:00Z');
    expect(stdout).toContain('2026-03-04T12:05:00.000000Z  contact.updated');
    expect(stdout).toContain('  name: "Sarah Johnson" → "Sarah M. Johnson"');
    expect(stdout).toContain('  deleted_at: null → "2026-03-04T14:00:00.000000Z"');
    expect(stdout).not.toContain('contact.created');
    const unknown = await cli('contact', 'audit', '4242');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no contact 4242');
  });

  it('contact show --as-of / --at-revision reads the past from the log', async () => {
    expect(JSON.parse((await cli('contact', 'show', '42', '--as-of', '2026-03-04T12:03:00Z', '--json')).stdout)).toMatchObject({
      name: 'Sarah Johnson',
      deleted: false,
    });
    expect(JSON.parse((await cli('contact', 'show', '42', '--at-revision', '2', '--json')).stdout)).toMatchObject({ deleted: true });
    const before = await cli('contact', 'show', '42', '--as-of', '2026-03-01T00:00:00Z');
    expect(before.code).toBe(1);
    const both = await cli('contact', 'show', '42', '--as-of', '2026-03-04T12:03:00Z', '--at-revision', '1');
    // Both at once is a command line the CLI cannot run: a usage error.
    expect(both.code).toBe(64);
    expect(both.stderr).toContain('--at-revision');
  });

  it('quarantine list and retry: appended once, then a duplicate', async () => {
    const listed = JSON.parse((await cli('quarantine', 'list', '--json')).stdout);
    expect(listed).toEqual({ items: [expect.objectContaining({ delivery_id: 'kept-1', status: 'passes_now' })], next_after_revision: null });
    const first = JSON.parse((await cli('quarantine', 'retry', '--json')).stdout);
    expect(first).toEqual([expect.objectContaining({ status: 'appended', stream: 'contact-602' })]);
    const second = await cli('quarantine', 'retry');
    expect(second.stdout).toContain('1 duplicate');
    expect(JSON.parse((await cli('contact', 'show', '602', '--json')).stdout)).toMatchObject({ name: 'Kept Once' });
  });
});
