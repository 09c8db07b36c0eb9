import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { examplesAfter } from '../support/doc-examples.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The documentation's own examples, run as a newcomer runs them: every `curl` and `npm run -s cli` command of the
 * README's "A session" and of the examples of docs/history.md, verbatim in bash (only `localhost:3000` points at the test's server), each answer
 * compared with the `# → …` lines shown under it. A shown answer elides volatile parts (ids, times) with `…`; what
 * is shown must appear in the real answer, piece by piece, in order.
 */
const readme = readFileSync('README.md', 'utf8');

/** The shown answer's pieces between the `…`, line by line, must occur in the actual answer in that order. */
const expectShown = (actual: string, shown: string, command: string) => {
  let at = 0;
  for (const piece of shown.split(/…|\n/).map((p) => p.trim()).filter((p) => p !== '')) {
    const found = actual.indexOf(piece, at);
    expect({ command, piece, found: found >= 0 }).toEqual({ command, piece, found: true });
    at = found + piece.length;
  }
};

describe("the README's session and docs/history.md's examples", () => {
  const dir = makeTempDir('readme');
  let server: ServerProcess;
  const session = examplesAfter('README.md', '## A session');
  const history = examplesAfter('docs/history.md', '## Audit, time travel, raw history, quarantine');

  const run = async (command: string) => {
    const local = command.replaceAll('localhost:3000', server.url.replace('http://', ''));
    const { stdout } = await promisify(execFile)('bash', ['-c', local], {
      // Every curl also prints the status code on a line of its own, without changing the command.
      env: { ...process.env, DATA_DIR: dir.path, CURL_HOME: dir.path },
    });
    return stdout;
  };

  beforeAll(async () => {
    writeFileSync(join(dir.path, '.curlrc'), 'write-out = "\\n%{http_code}"\n');
    server = await startServerProcess({ DATA_DIR: dir.path });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    dir.remove();
  });

  it('ships the provider\'s reference examples as examples/deliveries.jsonl', () => {
    const lines = readFileSync('examples/deliveries.jsonl', 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(nestedExamples);
  });

  it('finds the commands the README and docs/history.md show, each with its answer', () => {
    expect(session.map((e) => e.command.split(/\s+/).slice(0, 5).join(' '))).toEqual([
      'curl -s -X POST localhost:3000/webhooks/skylight',
      'npm run -s cli --',
      ...Array.from({ length: 5 }, () => expect.stringMatching(/^curl -s 'localhost:3000\//)),
    ]);
    expect(history.map((e) => e.command.split(/\s+/)[0])).toEqual(['curl', 'curl', 'curl', 'curl', 'curl', 'npm']);
    expect([...session, ...history].filter((e) => e.shown === undefined)).toEqual([]);
  });

  it('answers each command of the session, then of the history examples, as shown', async () => {
    for (const { command, shown } of [...session, ...history]) {
      const output = await run(command);
      if (command.startsWith('curl')) {
        const status = output.slice(output.lastIndexOf('\n') + 1);
        const body = output.slice(0, output.lastIndexOf('\n'));
        const [, shownStatus, shownBody] = /^(\d{3}) ([\s\S]*)$/.exec(shown ?? '') ?? [];
        expect({ command, status }).toEqual({ command, status: shownStatus });
        expectShown(body, shownBody ?? '', command);
      } else {
        expectShown(output, shown ?? '', command);
      }
    }
  }, 120_000);

  it('gives scripts clean JSON with `npm run -s cli -- … --json`', async () => {
    expect(readme).toContain('npm run -s cli -- status --json');
    const status = JSON.parse(await run('npm run -s cli -- status --json')) as { projection: string; lag: number }[];
    expect(status.map((row) => [row.projection, row.lag])).toEqual([
      ['contacts', 0],
      ['bookings', 0],
      ['tickets', 0],
      ['conversations', 0],
    ]);
  });
});
