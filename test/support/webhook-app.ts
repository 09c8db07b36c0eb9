import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp, type AppDeps, type ConnectionLimits } from '../../src/http/app.js';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import { webhookSecrets } from '../../src/intake/signature.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';

export type WebhookHarness = { app: FastifyInstance; store: EventStore; close: () => Promise<void> };

/** The intake app over a real embedded store in `dir`, as the server wires it, without a listening socket. */
export const webhookHarness = async (
  dir: string,
  options: { secret?: string; maxBodyBytes?: number; store?: EventStore; maxInflight?: number; connections?: ConnectionLimits } = {},
): Promise<WebhookHarness> => {
  const store = options.store ?? openSqliteEventStore(join(dir, 'events.db'));
  const app = await buildApp({
    accept: acceptDelivery({ store, webhookSecrets: options.secret === undefined ? undefined : webhookSecrets([options.secret]), now: () => new Date('2026-03-04T12:00:01.000Z') }),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxInflightIntake: options.maxInflight ?? 512,
    signedDeliveries: options.secret !== undefined,
    connections: options.connections,
    logger: pino({ level: 'silent' }),
  });
  return {
    app,
    store,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
};

/** The app with only the given routes (and the token, if any); its intake is not under test and answers unavailable. */
export const routesApp = (routes: NonNullable<AppDeps['routes']>, apiToken?: string): Promise<FastifyInstance> =>
  buildApp({
    accept: async () => ({ status: 'unavailable', reason: 'not under test' }),
    maxBodyBytes: 1024,
    maxInflightIntake: 1,
    signedDeliveries: false,
    logger: pino({ level: 'silent' }),
    apiToken,
    routes,
  });
