import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checkoutRoot, nodeArgsFor } from './node-entry.js';

export type CatchUpRun = { readonly events: number; readonly seconds: number; readonly peakRssMb: number };

const run = promisify(execFile);

/** One of the bench's child modules over DATA_DIR in a fresh process, so its memory is measured alone. */
const inChild = async (modulePath: string, dataDir: string, env: Record<string, string> = {}): Promise<CatchUpRun> => {
  const { stdout } = await run(process.execPath, [...nodeArgsFor(modulePath), dataDir], {
    cwd: checkoutRoot,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as CatchUpRun;
};

/**
 * Catches DATA_DIR's read model up with its event log (bench/catch-up-child.ts); `env` may name another read model
 * (READ_MODEL_URL, READ_MODEL_SCHEMA), as the service's does.
 */
export const catchUpInChild = (dataDir: string, env: Record<string, string> = {}): Promise<CatchUpRun> =>
  inChild('bench/catch-up-child', dataDir, env);

/** Reads DATA_DIR's event log raw (bench/raw-read-child.ts), the baseline of the catch-up. */
export const rawReadInChild = (dataDir: string): Promise<CatchUpRun> => inChild('bench/raw-read-child', dataDir);
