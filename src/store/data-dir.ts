import { closeSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const reason = (error: unknown): string => (error instanceof Error && 'code' in error ? String(error.code) : String(error));

/**
 * Creates DATA_DIR if needed and proves it writable by writing a file there, so that a bad directory is reported
 * by its name and variable at start-up rather than as "attempt to write a readonly database" at the first write.
 * The read model lives there whichever event store is configured.
 */
export const prepareDataDir = (dataDir: string): void => {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new Error(`DATA_DIR=${dataDir} cannot be created (${reason(error)})`);
  }
  const probe = join(dataDir, `.write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (error) {
    throw new Error(`DATA_DIR=${dataDir} is not writable (${reason(error)})`);
  }
};
