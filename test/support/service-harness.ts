import * as E from 'fp-ts/lib/Either.js';
import type { StoredProjection } from '../../projections/projection.js';
import { projections as registered } from '../../projections/registry.js';
import { parseConfig, type Config } from '../../src/config.js';
import { composeService, type Service } from '../../src/server.js';
import type { EventStore } from '../../src/store/event-store.js';

/** The whole service (intake, runner, queries) over a data directory, in-process, without a socket. */
export const serviceHarness = async (
  dataDir: string,
  env: Record<string, string> = {},
  projections: readonly StoredProjection[] = registered,
  openStore?: (config: Config) => Promise<EventStore>,
): Promise<Service> => {
  const config = parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  if (E.isLeft(config)) throw new Error(config.left);
  return composeService(config.right, projections, openStore);
};
