import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checkoutRoot, nodeArgsFor } from './node-entry.js';

export type CatchUpRun = { readonly events: number; readonly seconds: number; readonly peakRssMb: number };

const run = promisify(execFile);

/** Catches DATA_DIR's read model up with its event log in a fresh process, so its memory is measured alone. */
export const catchUpInChild = async (dataDir: string): Promise<CatchUpRun> => {
  const { stdout } = await run(process.execPath, [...nodeArgsFor('bench/catch-up-child'), dataDir], {
    cwd: checkoutRoot,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as CatchUpRun;
};
