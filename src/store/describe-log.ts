import { resolve } from 'node:path';
import type { Config } from '../config.js';

const esdbHost = (connectionString: string): string => {
  try {
    // Only the host: the connection string may carry credentials.
    return new URL(connectionString).host;
  } catch {
    return 'the configured cluster';
  }
};

/** Which event log a process reads, in words for a log line or a message: the file's absolute path, or the host. */
export const describeLog = (config: Pick<Config, 'EVENT_STORE' | 'ESDB_CONNECTION_STRING' | 'DATA_DIR'>): string =>
  config.EVENT_STORE === 'eventstoredb'
    ? `EventStoreDB at ${esdbHost(config.ESDB_CONNECTION_STRING ?? '')}`
    : `embedded log ${resolve(config.DATA_DIR, 'events.db')}`;
