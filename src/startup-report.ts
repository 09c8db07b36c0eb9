import { resolve } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { Config } from './config.js';
import { describeEventStoreError } from './store/event-store-error.js';
import type { Runner } from './runner/runner.js';
import type { EventStore } from './store/event-store.js';
import { describeLog } from './store/describe-log.js';

/**
 * What an operator needs to know once the server listens: which log and data directory, how far the read model
 * is, whether signing and the query token are on; and, once, that the event store cannot be reached yet.
 */
export const reportStartup = async (
  service: { readonly store: EventStore; readonly runner: Runner; readonly log: FastifyBaseLogger },
  config: Config,
  url: string,
): Promise<void> => {
  const { log } = service;
  const head = await service.store.headPosition();
  const projections = service.runner.progress();
  const applied = Math.min(...projections.map((p) => p.position));
  log.info(
    {
      url,
      store: service.store.kind,
      log: describeLog(config),
      data_dir: resolve(config.DATA_DIR),
      read_model: {
        applied_position: Number.isFinite(applied) ? applied : null,
        head_position: E.isRight(head) ? head.right : null,
        projections: projections.map((p) => `${p.name} v${p.version} at ${p.position}`),
      },
      webhook_signing: config.WEBHOOK_SECRET !== undefined,
      api_token: config.API_TOKEN !== undefined,
    },
    'serving',
  );
  if (E.isLeft(head)) {
    log.warn(
      { store: service.store.kind, reason: describeEventStoreError(head.left) },
      'event store unreachable at start: intake answers 503 and the read model waits until it is back',
    );
  }
};
