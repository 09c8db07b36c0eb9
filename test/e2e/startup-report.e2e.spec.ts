import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { contactsProjection } from '../../projections/contacts.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const lines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('what a starting server and a failing CLI command say', () => {
  const dir = makeTempDir('startup');
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    dir.remove();
  });

  it('logs the store, the data directory, the read model and whether signing and the token are on', async () => {
    const server = await startServerProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'info', WEBHOOK_SECRET: 'whsec-startup-0123456789' });
    servers.push(server);
    await server.stop('SIGTERM');
    const serving = lines(server.output()).find((line) => line['msg'] === 'serving');
    expect(serving).toMatchObject({
      store: 'sqlite',
      data_dir: dir.path,
      log: `embedded log ${dir.path}/events.db`,
      read_model: { applied_position: 0, head_position: 0, projections: expect.arrayContaining([`contacts v${contactsProjection.version} at 0`]) },
      webhook_signing: true,
      api_token: false,
    });
    expect(server.output()).not.toContain('whsec-startup-0123456789');
  });

  it('says once that EventStoreDB cannot be reached at start', async () => {
    const server = await startServerProcess({
      DATA_DIR: dir.path,
      LOG_LEVEL: 'info',
      EVENT_STORE: 'eventstoredb',
      ESDB_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
    });
    servers.push(server);
    await server.stop('SIGTERM');
    const logged = lines(server.output());
    expect(logged.find((line) => line['msg'] === 'serving')).toMatchObject({ store: 'eventstoredb', log: 'EventStoreDB at 127.0.0.1:1' });
    expect(logged.filter((line) => String(line['msg']).startsWith('event store unreachable at start'))).toHaveLength(1);
  });

  it('names the log a CLI command read when it answers "not found"', async () => {
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'contact', 'audit', '77'], {
      env: { ...process.env, DATA_DIR: dir.path },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: `no contact 77 in the log\n(read the embedded log ${dir.path}/events.db)\n` });
  });
});
