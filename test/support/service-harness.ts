import * as E from 'fp-ts/lib/Either.js';
import type { Projection } from '../../projections/projection.js';
import { projections as registered } from '../../projections/registry.js';
import { parseConfig, type Config } from '../../src/config.js';
import { composeService, type Service } from '../../src/server.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { postDeliveries } from './post-deliveries.js';

/** The whole service (intake, runner, queries) over a data directory, in-process, without a socket. */
export const serviceHarness = async (
  dataDir: string,
  env: Record<string, string> = {},
  projections: readonly Projection[] = registered,
  openStore?: (config: Config) => Promise<OpenedStore>,
): Promise<Service> => {
  const config = parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  if (E.isLeft(config)) throw new Error(config.left);
  return composeService(config.right, projections, openStore);
};

/**
 * What a later start finds: a service over `dataDir` took `deliveries` in and projected them, `inspect` looked at
 * it, and it was closed. Returns the position of the last delivery and what `inspect` saw.
 */
export const projectedHistory = async <A = undefined>(
  dataDir: string,
  deliveries: readonly unknown[],
  inspect?: (service: Service) => Promise<A>,
  projections: readonly Projection[] = registered,
): Promise<{ position: number; seen: A | undefined }> => {
  const service = await serviceHarness(dataDir, {}, projections);
  try {
    const position = await postDeliveries(service.app, deliveries);
    await service.runner.waitFor(position, 10_000);
    return { position, seen: await inspect?.(service) };
  } finally {
    await service.close();
  }
};
