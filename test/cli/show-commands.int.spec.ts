import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('the CLI for one entity, its version and its help', () => {
  const dir = makeTempDir('show-commands');
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dir.path } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  beforeAll(async () => {
    writeFileSync(join(dir.path, 'examples.jsonl'), allExamples.map((d) => JSON.stringify(d)).join('\n'));
    await cli('ingest', join(dir.path, 'examples.jsonl'));
  });
  afterAll(() => dir.remove());

  it('shows one booking and one ticket, or says there is none (exit 1)', async () => {
    expect(JSON.parse((await cli('booking', 'show', '101', '--json')).stdout)).toMatchObject({ id: 101, status: 'cancelled' });
    expect(JSON.parse((await cli('ticket', 'show', '55', '--json')).stdout)).toMatchObject({ id: 55, subject: 'Issue with booking confirmation' });
    expect(await cli('ticket', 'show', '56')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^no ticket 56\n/) });
  });

  it('names a bad positional id as the argument, not as an option, as a usage error (exit 64)', async () => {
    const bad = await cli('contact', 'show', 'not an id');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^<id>: expected an id/);
    // The value itself is not repeated: it may be personal data (an email typed as an id).
    expect(bad.stderr).not.toContain("not an id");
  });

  it('gives an unknown command or option exit 64, and does not name the log for it', async () => {
    for (const args of [['contactz', 'list'], ['contacts', 'list', '--colour', 'red'], ['contacts', 'list', '--limit', 'many']]) {
      const wrong = await cli(...args);
      expect(wrong.code, args.join(' ')).toBe(64);
      expect(wrong.stderr, args.join(' ')).not.toContain('(read the');
    }
  });

  it('names the log it read when a list or the status finds nothing, and not when it finds something', async () => {
    const none = await cli('tickets', 'list', '--status', 'no-such-status');
    expect(none).toMatchObject({ code: 0, stderr: expect.stringContaining(`(read the embedded log ${dir.path}/events.db)`) });
    const noneJson = await cli('tickets', 'list', '--status', 'no-such-status', '--json');
    expect(JSON.parse(noneJson.stdout)).toEqual({ items: [], next_cursor: null, prev_cursor: null });
    expect(noneJson.stderr).toContain(`(read the embedded log ${dir.path}/events.db)`);
    const some = await cli('tickets', 'list');
    expect(some.stderr).not.toContain('(read the');
    expect((await cli('status')).stderr).not.toContain('(read the');
    const elsewhere = makeTempDir('show-commands-empty');
    try {
      const empty = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'status'], { env: { ...process.env, DATA_DIR: elsewhere.path } });
      expect(empty.stdout).toContain('head position 0');
      expect(empty.stderr).toContain(`(read the embedded log ${elsewhere.path}/events.db)`);
    } finally {
      elsewhere.remove();
    }
    // Six CLI processes, each starting tsx.
  }, 120_000);

  it('prints its version and describes contact show', async () => {
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await cli('contact', 'show', '--help')).stdout).toContain('the contact in the read model, with its summary');
  });
});
