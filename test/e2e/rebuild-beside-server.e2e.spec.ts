import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const cli = (dataDir: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir } });

const ticket = (id: number) => ({
  event: 'ticket.created',
  delivery_id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { ticket: { id, subject: `ticket ${id}`, status: 'open', priority: 'normal' } },
});

const deliver = async (server: ServerProcess, id: number): Promise<number> => {
  const response = await fetch(`${server.url}/webhooks/skylight`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ticket(id)),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { position: number }).position;
};

/** Log lines at warn (40) or above, but the start-up warning that these servers run unsigned (no WEBHOOK_SECRET). */
const problems = (output: string) =>
  output.split('\n').filter((line) => /"level":(4|5|6)\d/.test(line) && !line.includes('WEBHOOK_SECRET is not set'));

describe('a CLI rebuild beside running servers on the same DATA_DIR', () => {
  const dir = makeTempDir('rebuild-beside');
  const servers: ServerProcess[] = [];
  let nextId = 1;

  beforeAll(async () => {
    // Two servers: the swap must be noticed by every process that writes the read model.
    for (let i = 0; i < 2; i++) servers.push(await startServerProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'info', MIN_POSITION_WAIT_MS: '10000' }));
    for (; nextId <= 30; nextId++) await deliver(servers[nextId % 2] as ServerProcess, nextId);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    dir.remove();
  });

  for (const args of [['rebuild'], ['rebuild', '--projection', 'tickets'], ['rebuild']]) {
    it(`shows each server's next deliveries within the min_position wait after \`${args.join(' ')}\``, async () => {
      await cli(dir.path, ...args);
      for (const server of servers) {
        const id = nextId++;
        const position = await deliver(server, id);
        const response = await fetch(`${server.url}/tickets/${id}?min_position=${position}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ id, subject: `ticket ${id}` });
      }
      for (const server of servers) expect(problems(server.output())).toEqual([]);
    }, 60_000);
  }
});
