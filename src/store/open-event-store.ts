import { join } from 'node:path';
import type { Config } from '../config.js';
import { prepareDataDir } from './data-dir.js';
import type { OpenedStore } from './event-store.js';
import { openSqliteEventStore } from './sqlite.js';
import type { AvailabilityListener } from './store-availability.js';

export type OpenEventStoreOptions = {
  readonly onAvailability?: AvailabilityListener;
  /**
   * Keep EventStoreDB's id index (DATA_DIR/eventstoredb-ids.db) up to date: the long-running server does; a short
   * CLI command would only start reading the log to fill it, and appends exactly without it (reading streams).
   */
  readonly idIndex?: boolean;
};

/**
 * The configured store: switching between embedded and EventStoreDB is configuration, not code. DATA_DIR is
 * prepared in both modes: the read model is a local file there unless READ_MODEL_DB puts it elsewhere.
 */
export const openEventStore = async (
  config: Pick<Config, 'EVENT_STORE' | 'ESDB_CONNECTION_STRING' | 'DATA_DIR' | 'SQLITE_DURABILITY'>,
  { onAvailability, idIndex = false }: OpenEventStoreOptions = {},
): Promise<OpenedStore> => {
  prepareDataDir(config.DATA_DIR);
  if (config.EVENT_STORE === 'eventstoredb') {
    if (config.ESDB_CONNECTION_STRING === undefined) throw new Error('ESDB_CONNECTION_STRING is required');
    // Loaded only when configured: the gRPC client is a good part of the start-up time of an embedded-store node.
    const { openEventStoreDb } = await import('./eventstoredb.js');
    return openEventStoreDb(config.ESDB_CONNECTION_STRING, {
      ...(idIndex ? { idIndexFile: join(config.DATA_DIR, 'eventstoredb-ids.db') } : {}),
      ...(onAvailability === undefined ? {} : { onAvailability }),
    });
  }
  return openSqliteEventStore(join(config.DATA_DIR, 'events.db'), { durability: config.SQLITE_DURABILITY });
};
