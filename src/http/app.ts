import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino } from 'pino';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import type { IncomingDelivery } from '../intake/accept-delivery.js';
import type { IntakeOutcome } from '../intake/intake-outcome.js';
import { MAX_ENTITY_ID_LENGTH } from '../events/entity-id.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { NoParameters } from './api-schemas.js';
import { refuseWithoutToken } from './api-token.js';
import { answerClientError } from './client-error.js';
import { isSafeMethod, refuseCrossSiteRequest } from './cross-site-request.js';
import { strictQueryValidatorCompiler } from './strict-query.js';
import { notFound, sendProblem } from './problem.js';
import { answerHeaders, CACHEABLE_PATH, DOCS_CSP, setBareSecurityHeaders } from './security-headers.js';
import { registerWebhookRoute, WEBHOOK_PATH } from './webhook-route.js';

export type AppDeps = {
  readonly accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>;
  readonly maxBodyBytes: number;
  readonly maxInflightIntake: number;
  /** Whether intake verifies signatures (WEBHOOK_SECRET set). */
  readonly signedDeliveries: boolean;
  /** Node's defaults (no request timeout, no connection cap) when absent. */
  readonly connections?: ConnectionLimits | undefined;
  readonly logger: FastifyBaseLogger;
  readonly apiToken?: string | undefined;
  /** Told of every answered request (route as declared, e.g. `/contacts/:id`) and every webhook delivery. */
  readonly metrics?: Pick<ServiceMetrics, 'httpRequest' | 'delivery'> | undefined;
  /** Query, readiness and other routes added by the composition root. */
  readonly routes?: ReadonlyArray<(app: FastifyInstance) => void>;
};

export type ConnectionLimits = {
  /** The whole request, headers and body, must arrive within this. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** A socket with no traffic for this long is closed (also an idle keep-alive one, after Node's second of grace). */
  readonly connectionTimeoutMs: number;
  readonly maxConnections: number;
};

/** Node checks request and headers deadlines on a timer (every 30 s by default); this makes them hold to ~1 s. */
const deadlineCheckIntervalMs = (limits: ConnectionLimits) => Math.min(1_000, limits.headersTimeoutMs);

const connectionOptions = (limits: ConnectionLimits | undefined) =>
  limits === undefined
    ? {}
    : {
        requestTimeout: limits.requestTimeoutMs,
        connectionTimeout: limits.connectionTimeoutMs,
        // Node gives a socket idle between requests this timeout instead of `connectionTimeout` (Fastify's default:
        // 72 s), and advertises it as `Keep-Alive: timeout=`: idle sockets filling `maxConnections` shut out deliveries.
        keepAliveTimeout: limits.connectionTimeoutMs,
        http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: deadlineCheckIntervalMs(limits) },
      };

type LoggedRequest = { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } };

/** Fastify's request fields, but `url` without its query string: `?q=` may be someone's email or phone. */
const requestWithoutQuery = (request: LoggedRequest) => ({
  method: request.method,
  url: request.url.split('?')[0],
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

/** The service's logger: structured JSON, no bodies, no query strings, no credentials. */
export const createLogger = (level: string): FastifyBaseLogger =>
  pino({
    level,
    serializers: { req: requestWithoutQuery },
    redact: ['req.headers.authorization', 'req.headers["x-skylight-signature"]'],
  });

/** "querystring/limit: Too big ..." → names the parameter without repeating what was sent. */
const validationDetail = (error: FastifyError): string =>
  hasZodFastifySchemaValidationErrors(error)
    ? error.validation
        .map((issue) => `${error.validationContext ?? 'request'}${issue.instancePath || '/'}: ${issue.message}`)
        .join('; ')
    : error.message;

/** Answers a request this server refuses (wrong host name, missing token) and returns the reply; undefined lets it through. */
type RequestRefusal = ReturnType<typeof refuseWithoutToken>;

/** The Fastify instance with the limits of `deps`; a URL the router cannot read is refused or answered as a problem. */
const createFastify = (deps: AppDeps, refuseRequest: RequestRefusal): FastifyInstance => {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.maxBodyBytes,
    return503OnClosing: false,
    // Ids are at most this long at intake (`EntityIdText`), so any id stored can be looked up.
    routerOptions: { maxParamLength: MAX_ENTITY_ID_LENGTH },
    // A URL the router cannot read (`/contacts/%ff`) gets no hooks: refuse it the same way, then as problem+json.
    frameworkErrors: (error, request, reply) => {
      setBareSecurityHeaders(reply);
      if (refuseRequest(request, reply) !== undefined) return;
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void sendProblem(reply, {
        status: tooLong ? 414 : 400,
        title: tooLong ? 'URI too long' : 'Bad request',
        detail: tooLong ? `a path parameter is longer than ${MAX_ENTITY_ID_LENGTH} characters` : 'the URL is not valid',
      });
    },
    clientErrorHandler: answerClientError(answerHeaders().api, deps.logger),
    ...connectionOptions(deps.connections),
  });
  if (deps.connections !== undefined) app.server.maxConnections = deps.connections.maxConnections;
  return app;
};

/** True for addresses only this machine can reach; a query API on any other needs a token. */
export const isLoopbackHost = (host: string): boolean => {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
};

/**
 * Without a token, being on loopback is the only protection, and DNS rebinding defeats it: a page on any origin
 * points its own name at 127.0.0.1 and reads the API as same-origin. The browser still sends that name as `Host`,
 * so only loopback names are served. `exempt` names paths that are safe from any origin (signed deliveries).
 */
const refuseOtherHostNames =
  (exempt: ReadonlySet<string>) =>
  (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    if (exempt.has(request.url.split('?')[0] ?? '')) return undefined;
    // The host name without its port (`[::1]:3000` → `[::1]`, `localhost:3000` → `localhost`).
    const host = (request.headers.host ?? '').toLowerCase();
    if (isLoopbackHost(host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? ''))) return undefined;
    return sendProblem(reply, {
      status: 421,
      title: 'Misdirected request',
      detail: 'without API_TOKEN only loopback host names are served (localhost, 127.0.0.1, [::1])',
    });
  };

/**
 * The one hook every request goes through first: the security headers (built once), with `Cache-Control: no-store`
 * but on the paths that set their own caching (an error there gets it from `sendProblem`); then, while shutting
 * down, a request that still arrives on an open connection is told when to come back; then `refuseRequest`.
 */
const guardRequests = (app: FastifyInstance, refuseRequest: RequestRefusal): void => {
  const headers = answerHeaders();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(CACHEABLE_PATH.test(request.url) ? headers.cacheable : headers.api);
    if (closing) {
      reply.header('retry-after', '5').header('connection', 'close');
      return sendProblem(reply, { status: 503, title: 'Shutting down', detail: 'retry later' });
    }
    return refuseRequest(request, reply);
  });
};

/** Every error as problem+json: a request that fails validation, a route's error, a route or method that does not exist. */
const answerErrorsAsProblems = (app: FastifyInstance): void => {
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    if (error.validation !== undefined) {
      return sendProblem(reply, { status: 400, title: 'Invalid request', detail: validationDetail(error) });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const title = status === 413 ? 'Body too large' : status >= 500 ? 'Internal error' : status === 400 ? 'Bad request' : (STATUS_CODES[status] ?? 'Bad request');
    return sendProblem(reply, { status, title, detail: status >= 500 ? 'see the server log' : error.message });
  });
  // A method no route has (PROPFIND, OPTIONS) is one this server does not implement for any URL (RFC 9110, 15.6.2).
  const implementedMethods = new Set<string>();
  app.setNotFoundHandler((request, reply) =>
    implementedMethods.has(request.method)
      ? sendProblem(reply, notFound(`no route ${request.method} ${request.url.split('?')[0]}`))
      : sendProblem(reply, { status: 501, title: 'Not implemented', detail: `no route takes ${request.method}` }),
  );
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) implementedMethods.add(method);
  });
};

/** The OpenAPI document, from the routes' schemas, and its UI at /docs. */
const registerDocs = async (app: FastifyInstance, apiToken: string | undefined): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'skylight-projector',
        description: 'SkyLight Chat webhooks as an event log, projected into contacts, bookings, tickets and conversations.',
        version: '1',
      },
      components: apiToken === undefined ? {} : { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: apiToken === undefined ? [] : [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
};

export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  // Without a token, loopback host names are the protection (the signed webhook is safe from anywhere).
  const refuseRequest =
    deps.apiToken === undefined ? refuseOtherHostNames(new Set(deps.signedDeliveries ? [WEBHOOK_PATH] : [])) : refuseWithoutToken(deps.apiToken);
  const app = createFastify(deps, refuseRequest);
  // First, so that every answer (also a 401, 421 or 503 it gives) carries the headers.
  guardRequests(app, refuseRequest);
  const { metrics } = deps;
  if (metrics !== undefined) {
    app.addHook('onResponse', async (request, reply) => {
      metrics.httpRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode);
    });
  }
  app.setValidatorCompiler(strictQueryValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The webhook must see the raw bytes (the signature covers them), whatever Content-Type the sender claims.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  answerErrorsAsProblems(app);
  // On each route that changes state, not on every request: reads are safe, and the webhook has its own rule.
  app.addHook('onRoute', (route) => {
    if (route.url === WEBHOOK_PATH || [route.method].flat().every(isSafeMethod)) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), refuseCrossSiteRequest];
  });
  await registerDocs(app, deps.apiToken);

  app.get('/health', { schema: { tags: ['operations'], summary: 'Liveness', querystring: NoParameters } }, async () => ({ status: 'ok' }));
  registerWebhookRoute(app, {
    accept: deps.accept,
    maxInflight: deps.maxInflightIntake,
    signed: deps.signedDeliveries,
    onDelivery: metrics?.delivery,
  });
  for (const route of deps.routes ?? []) route(app);
  return app;
};
