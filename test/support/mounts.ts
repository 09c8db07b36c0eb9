import { execFileSync } from 'node:child_process';
import { makeTempDir } from './temp-dir.js';

/** Runs a system command (mount, umount, mkfs…) and returns what it printed. */
export const run = (command: string, args: readonly string[]): string => execFileSync(command, args, { stdio: 'pipe' }).toString();

/** Why a check cannot run here, or undefined when it can. */
export const unavailable = (check: () => void): string | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
};

/** Why a tmpfs cannot be mounted here (it needs root), or undefined when it can. */
export const noTmpfs = unavailable(() => {
  const probe = makeTempDir('mount-probe');
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe.path]);
    run('umount', [probe.path]);
  } finally {
    probe.remove();
  }
});
