import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { examplesAfter, type Example } from '../support/doc-examples.js';
import { eventually } from '../support/eventually.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The documentation's own examples, run as a newcomer runs them: every `curl` and `npm run -s cli` command of the
 * README's "A session", then of docs/history.md, docs/personal-data.md's erasure and docs/cli.md's `--json`, verbatim
 * in bash (only `localhost:3000` points at the test's server), each answer compared with the `# → …` lines shown
 * under it. A shown answer elides volatile parts (ids, times) with `…`; what is shown must appear in the real answer,
 * piece by piece, in order. A command shown without an answer must succeed (exit 0; a curl, a 2xx).
 */
const apiToken = 'readme-session-token-0123456789abcdef';

/** The first piece of the shown answer (split at each `…` and line) not found in the actual answer, in order. */
const missingPiece = (actual: string, shown: string): string | undefined => {
  let at = 0;
  for (const piece of shown.split(/…|\n/).map((p) => p.trim()).filter((p) => p !== '')) {
    const found = actual.indexOf(piece, at);
    if (found < 0) return piece;
    at = found + piece.length;
  }
  return undefined;
};

/** A curl's output is its body, then (from the test's .curlrc) its status on a line of its own. */
const statusAndBody = (output: string) => ({
  status: output.slice(output.lastIndexOf('\n') + 1),
  body: output.slice(0, output.lastIndexOf('\n')),
});

/** What in the output differs from the answer shown: for a curl its status or a piece of its body, for the CLI a piece. */
const differenceFrom = (command: string, output: string, shown: string | undefined): string | undefined => {
  if (!command.startsWith('curl')) return shown === undefined ? undefined : missingPiece(output, shown);
  const { status, body } = statusAndBody(output);
  if (shown === undefined) return /^2\d\d$/.test(status) ? undefined : `status ${status}, not 2xx`;
  const [, shownStatus, shownBody] = /^(\d{3}) ([\s\S]*)$/.exec(shown) ?? [];
  return status !== shownStatus ? `status ${status}, not ${shownStatus}` : missingPiece(body, shownBody ?? '');
};

const expectAnswer = (command: string, output: string, shown: string | undefined) => {
  const actual = command.startsWith('curl') ? statusAndBody(output) : { output };
  expect({ command, actual, shown, missing: differenceFrom(command, output, shown) }).toEqual({ command, actual, shown, missing: undefined });
};

describe("the README's session and the examples of docs/history.md, docs/personal-data.md and docs/cli.md", () => {
  const dir = makeTempDir('readme');
  let server: ServerProcess;
  const session = examplesAfter('README.md', '## A session');
  const rebuild = examplesAfter('docs/history.md', '## Rebuild and verify');
  const history = examplesAfter('docs/history.md', '## Audit, time travel, raw history, quarantine');
  const erasure = examplesAfter('docs/personal-data.md', '**Erasing a contact**');

  const run = async (command: string, env: Record<string, string> = {}) => {
    const local = command.replaceAll('localhost:3000', server.url.replace('http://', ''));
    const { stdout } = await promisify(execFile)('bash', ['-c', local], {
      // Every curl also prints the status code on a line of its own, without changing the command.
      env: { ...process.env, DATA_DIR: dir.path, CURL_HOME: dir.path, ...env },
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

  it('finds the commands the pages show, each with its answer', () => {
    const firstWords = (examples: Example[], n: number) => examples.map((e) => e.command.split(/\s+/).slice(0, n).join(' '));
    expect(firstWords(session, 5)).toEqual([
      'curl -s -X POST localhost:3000/webhooks/skylight',
      'npm run -s cli --',
      ...Array.from({ length: 5 }, () => expect.stringMatching(/^curl -s 'localhost:3000\//)),
    ]);
    expect(firstWords(history, 1)).toEqual(['curl', 'curl', 'curl', 'curl', 'curl', 'npm']);
    expect([...session, ...history].filter((e) => e.shown === undefined)).toEqual([]);
    expect(firstWords(rebuild, 6)).toEqual(['npm run -s cli -- rebuild', 'npm run -s cli -- verify']);
    expect(firstWords(erasure, 7)).toEqual([
      'curl -s -X POST localhost:3000/contacts/42/forget -H "authorization:',
      'curl -s localhost:3000/erasures/job -H "authorization: Bearer $API_TOKEN"',
      'npm run -s cli -- contact forget',
      'curl -s localhost:3000/erasures -H "authorization: Bearer $API_TOKEN"',
      'npm run -s cli -- erasures list',
    ]);
    expect(erasure.map((e) => e.shown !== undefined)).toEqual([true, true, false, false, false]);
  });

  it('answers each command of the session, then of the history examples, as shown', async () => {
    for (const { command, shown } of [...session, ...history]) expectAnswer(command, await run(command), shown);
  }, 120_000);

  it("rebuilds and verifies with docs/history.md's commands beside the running server", async () => {
    for (const { command, shown } of rebuild) expectAnswer(command, await run(command), shown);
  }, 60_000);

  it("erases the session's contact with docs/personal-data.md's commands, on a server with the API token", async () => {
    // "with the API token configured (the route does not exist without it)": the same data, served with a token,
    // which the shell that runs the page's commands holds as $API_TOKEN.
    await server.stop('SIGTERM');
    server = await startServerProcess({ DATA_DIR: dir.path, API_TOKEN: apiToken });
    const withToken = { API_TOKEN: apiToken };
    for (const { command, shown } of erasure) {
      // The page shows the job once done ("its phase and progress, then:"): its state is asked until it is.
      const output = command.includes('/erasures/job')
        ? await eventually('the erasure job answers as shown', async () => {
            const answer = await run(command, withToken);
            return differenceFrom(command, answer, shown) === undefined || !answer.includes('"state":"running"') ? answer : undefined;
          })
        : await run(command, withToken);
      expectAnswer(command, output, shown);
    }
  }, 60_000);

  it('gives scripts clean JSON with `npm run -s cli -- … --json`', async () => {
    expect(readFileSync('docs/cli.md', 'utf8')).toContain('npm run -s cli -- status --json');
    const status = JSON.parse(await run('npm run -s cli -- status --json')) as { projection: string; lag: number }[];
    expect(status.map((row) => [row.projection, row.lag])).toEqual([
      ['contacts', 0],
      ['bookings', 0],
      ['tickets', 0],
      ['conversations', 0],
      ['deliveries', 0],
    ]);
  });
});
