import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const cli = (env: Record<string, string>, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env } });

/** A read-only filesystem (root may write anywhere else); undefined with the reason where mounting is not allowed. */
const readOnlyMount = (path: string): string | undefined => {
  try {
    mkdirSync(path);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', path], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return String(error);
  }
};

describe('DATA_DIR', () => {
  const dir = makeTempDir('data-dir');
  const readOnly = join(dir.path, 'ro');
  const noMount = readOnlyMount(readOnly);
  const READ_ONLY = 'a read-only DATA_DIR stops the start with its path and variable';
  if (noMount !== undefined) console.warn(`skipped "${READ_ONLY}": cannot mount a read-only tmpfs (${noMount})`);
  afterAll(() => {
    if (noMount === undefined) execFileSync('umount', [readOnly]);
    dir.remove();
  });

  it('is created in EventStoreDB mode too, for the read model beside it', async () => {
    const dataDir = join(dir.path, 'fresh', 'nested');
    // Nothing listens on port 1: the service starts anyway and answers 503 until the store is reachable.
    const service = await serviceHarness(dataDir, { EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' });
    await service.close();
    expect(existsSync(join(dataDir, 'read-model.db'))).toBe(true);
  });

  it('that is a file is reported by the CLI with its path and variable, exit 1, no stack', async () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, '');
    const failure = await cli({ DATA_DIR: file }, 'status').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: `DATA_DIR=${file} cannot be created (EEXIST)\n` });
  });

  it.skipIf(noMount !== undefined)(READ_ONLY, async () => {
    await expect(serviceHarness(readOnly)).rejects.toThrow(`DATA_DIR=${readOnly} is not writable (EROFS)`);
    const failure = await cli({ DATA_DIR: readOnly }, 'status').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: `DATA_DIR=${readOnly} is not writable (EROFS)\n` });
  });
});
