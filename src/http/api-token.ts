import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem.js';

/**
 * Reachable without the token: the provider cannot send one, probes must work, and a browser opening the API's
 * documentation (`/docs`, its assets and the OpenAPI document: no data) or the console (its own files: no data; it
 * asks for the token and sends it with every API request) cannot send a header either.
 */
const OPEN_PATHS = new Set(['/health', '/webhooks/skylight', '/', '/docs', '/console']);
const OPEN_PREFIXES = ['/docs/', '/console/'];
const isOpen = (path: string): boolean => OPEN_PATHS.has(path) || OPEN_PREFIXES.some((prefix) => path.startsWith(prefix));

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Comparing fixed-length digests keeps the check constant-time whatever the length of what was sent. */
export const tokenMatches = (expected: string, given: string): boolean => timingSafeEqual(digest(expected), digest(given));

export const requireApiToken = (app: FastifyInstance, token: string): void => {
  app.addHook('onRequest', async (request, reply) => {
    if (isOpen(request.url.split('?')[0] ?? '')) return;
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (given === '' || !tokenMatches(token, given)) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, { status: 401, title: 'Unauthorized', detail: 'a valid bearer token is required' });
    }
  });
};
