import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';
import { WEBHOOK_PATH } from './webhook-route.js';

/**
 * Reachable without the token: the provider cannot send one, probes must work, and a browser opening the API's
 * documentation (`/docs`, its assets and the OpenAPI document: no data) or the console (its own files: no data; it
 * asks for the token and sends it with every API request) cannot send a header either.
 */
const OPEN_PATHS = new Set(['/health', WEBHOOK_PATH, '/', '/docs', '/console']);
const OPEN_PREFIXES = ['/docs/', '/console/'];
const isOpen = (path: string): boolean => OPEN_PATHS.has(path) || OPEN_PREFIXES.some((prefix) => path.startsWith(prefix));

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Comparing fixed-length digests keeps the check constant-time whatever the length of what was sent. */
const tokenMatches = (expected: string, given: string): boolean => timingSafeEqual(digest(expected), digest(given));

/** The credentials of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110, 11.1). */
const bearerToken = (header: string | undefined): string => /^bearer +(.+)$/is.exec(header ?? '')?.[1] ?? '';

/** Answers 401 unless the request may pass without the token or carries it; undefined when it may go on. */
export const refuseWithoutToken = (token: string) => (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
  if (isOpen(request.url.split('?')[0] ?? '')) return undefined;
  const given = bearerToken(request.headers.authorization);
  if (given !== '' && tokenMatches(token, given)) return undefined;
  reply.header('www-authenticate', 'Bearer');
  return sendProblem(reply, { status: 401, title: 'Unauthorized', detail: 'a valid bearer token is required' });
};
