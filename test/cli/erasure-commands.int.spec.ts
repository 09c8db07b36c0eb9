import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { valuesFoundUnder } from '../support/data-dir-bytes.js';
import { makeTempDir } from '../support/temp-dir.js';

const run = (dataDir: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('contact forget, erasures list / lift', () => {
  const root = makeTempDir('cli-forget');
  // The file ingested holds the personal data too: it lives beside DATA_DIR, not in it.
  const dir = { path: join(root.path, 'data') };
  beforeAll(async () => {
    const file = join(root.path, 'deliveries.jsonl');
    writeFileSync(file, nestedExamples.map((delivery) => JSON.stringify(delivery)).join('\n'));
    expect((await run(dir.path, 'ingest', file)).code).toBe(0);
  });
  afterAll(() => root.remove());

  it('refuses a forget without a reason as a usage error (exit 64) naming --reason, and an unknown contact with exit 1', async () => {
    const missing = await run(dir.path, 'contact', 'forget', '42');
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('--reason');
    const unknown = await run(dir.path, 'contact', 'forget', '999', '--reason', 'erasure request');
    expect(unknown.code).toBe(1);
  });

  it('forgets, lists the erasure in the API shape, and leaves no personal data under DATA_DIR', async () => {
    const forgot = await run(dir.path, 'contact', 'forget', '42', '--reason', 'erasure request #7', '--json');
    expect(forgot.code).toBe(0);
    expect(JSON.parse(forgot.stdout)).toMatchObject({ status: 'erased', read_model_purged: true, erasure: { contact_id: 42 } });
    const listed = JSON.parse((await run(dir.path, 'erasures', 'list', '--json')).stdout);
    expect(listed).toMatchObject({ items: [{ contact_id: 42, reason: 'erasure request #7' }] });
    expect(valuesFoundUnder(dir.path, ['Sarah Johnson', 'sarah@example.com', 'Consultation – Sarah Johnson'])).toEqual([]);
    const shown = JSON.parse((await run(dir.path, 'contact', 'show', '42', '--json')).stdout);
    expect(shown).toMatchObject({ name: '[redacted]', forgotten: { reason: 'erasure request #7' } });
  });

  it('lifts the redaction at intake once, and says when there is nothing to lift', async () => {
    expect((await run(dir.path, 'erasures', 'lift', '42', '--reason', 'consented again')).code).toBe(0);
    expect((await run(dir.path, 'erasures', 'lift', '42', '--reason', 'consented again')).code).toBe(1);
  });
});
