import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { IncomingDelivery } from '../intake/accept-delivery.js';
import type { IntakeOutcome } from '../intake/intake-outcome.js';
import type { DeliveryOutcome } from '../metrics/service-metrics.js';
import { sendProblem } from './problem.js';

type WebhookRouteOptions = {
  readonly accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>;
  /** Deliveries being received or processed at once beyond which new ones are asked to come back later. */
  readonly maxInflight: number;
  /** Whether intake checks signatures; without them, only JSON bodies are taken (see `isJsonMediaType`). */
  readonly signed: boolean;
  /** Told what became of every request to the route, and how long answering it took. */
  readonly onDelivery?: ((outcome: DeliveryOutcome, seconds: number) => void) | undefined;
};

const RETRY_AFTER_S = '5';

export const WEBHOOK_PATH = '/webhooks/skylight';

/** The one place where an intake outcome becomes an HTTP status. */
const statusCode: { readonly [S in IntakeOutcome['status']]: number } = {
  appended: 202,
  duplicate: 200,
  quarantined: 202,
  unrecognized: 202,
  rejected: 400,
  unauthorized: 401,
  unavailable: 503,
  // Not 2xx: the provider retries a few times, then shows the delivery as failed, which is the operator's signal.
  stream_deleted: 410,
};

/** `application/json` or any `…/…+json`, parameters allowed. */
export const isJsonMediaType = (contentType: string | undefined): boolean => {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.-]+\+json$/.test(mediaType);
};

/** What a request that never reached intake became, by the status it was answered with (415: not sent as JSON). */
const outcomeOfStatus = (status: number): DeliveryOutcome => (status === 413 ? 'too_large' : status === 415 ? 'rejected' : 'error');

export const registerWebhookRoute = (app: FastifyInstance, options: WebhookRouteOptions): void => {
  let inflight = 0;
  const outcomes = new WeakMap<FastifyRequest, DeliveryOutcome>();
  const routeOptions: RouteShorthandOptions = {
    onResponse: async (request, reply) => {
      options.onDelivery?.(outcomes.get(request) ?? outcomeOfStatus(reply.statusCode), reply.elapsedTime / 1000);
    },
    // Counted from the headers on, before the body is read: a slow sender holds a place while it trickles.
    onRequest: async (request, reply) => {
      if (inflight >= options.maxInflight) {
        outcomes.set(request, 'throttled');
        reply.header('retry-after', RETRY_AFTER_S).header('connection', 'close');
        return sendProblem(reply, { status: 429, title: 'Too many deliveries in flight', detail: 'retry later' });
      }
      // A browser page may post text/plain (or no type) to any origin without asking first; JSON needs a CORS
      // preflight, which this server never grants. Signed deliveries are safe from any origin.
      if (!options.signed && !isJsonMediaType(request.headers['content-type'])) {
        reply.header('connection', 'close');
        return sendProblem(reply, {
          status: 415,
          title: 'Unsupported Media Type',
          detail: 'without WEBHOOK_SECRET, deliveries must be sent as application/json',
        });
      }
      inflight += 1;
      // 'close' fires once, whether the answer was sent or the socket died (a timeout, the sender gone).
      reply.raw.once('close', () => {
        inflight -= 1;
      });
      // With signatures, the body is judged by its bytes alone: a malformed or empty Content-Type must not become
      // a 415 (which the provider would not retry) before intake has verified and kept the delivery.
      request.raw.headers['content-type'] = 'application/octet-stream';
    },
  };
  app.post(WEBHOOK_PATH, routeOptions, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const outcome = await options.accept({ body, headers: request.headers, channel: 'http' });
    outcomes.set(request, outcome.status);
    request.log.info(
      {
        intake: outcome.status,
        event: 'event' in outcome ? outcome.event : undefined,
        event_id: 'event_id' in outcome ? outcome.event_id : undefined,
        stream: 'stream' in outcome ? outcome.stream : undefined,
      },
      'delivery processed',
    );
    // The answer: the outcome itself, or a problem when it was not taken.
    const code = statusCode[outcome.status];
    switch (outcome.status) {
      case 'rejected':
        return sendProblem(reply, { status: code, title: 'Not a webhook delivery', detail: outcome.reason, kept_as: outcome.event_id });
      case 'unauthorized':
        return sendProblem(reply, { status: code, title: 'Unauthorized', detail: outcome.reason });
      case 'stream_deleted':
        return sendProblem(reply, { status: code, title: 'Stream deleted', detail: outcome.reason });
      case 'unavailable':
        reply.header('retry-after', RETRY_AFTER_S);
        return sendProblem(reply, { status: code, title: 'Event store unavailable', detail: 'retry later' });
      default:
        return reply.code(code).send(outcome);
    }
  });
};
