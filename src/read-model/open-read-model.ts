import { readModelPath, type Config } from '../config.js';
import type { ReadModel } from './read-model.js';
import { openSqliteReadModel } from './sqlite/open-sqlite-read-model.js';

/** The configured read model: the embedded file by default, PostgreSQL with READ_MODEL_URL. */
export const openReadModel = async (
  config: Pick<Config, 'DATA_DIR' | 'READ_MODEL_DB' | 'READ_MODEL_URL' | 'READ_MODEL_SCHEMA'>,
): Promise<ReadModel> => {
  if (config.READ_MODEL_URL === undefined) return openSqliteReadModel(readModelPath(config));
  // Loaded only when configured, as the EventStoreDB client is.
  const { openPostgresReadModel } = await import('./postgres/open-postgres-read-model.js');
  return openPostgresReadModel({ url: config.READ_MODEL_URL, schema: config.READ_MODEL_SCHEMA });
};
