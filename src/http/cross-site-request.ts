import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';

/** Methods that only read (RFC 9110, 9.2.1): nothing a page on another site could make them do. */
export const isSafeMethod = (method: string): boolean => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/** `Origin`'s host and port (`https://evil.com` → `evil.com`); undefined for `null` or anything not a URL. */
const originHost = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};

/**
 * Whether a browser sent this from a page of another origin. Any page can make a browser post a form (or text, or
 * nothing) to this server unasked, and the browser says where it comes from: `Sec-Fetch-Site` (every browser since
 * 2023), else `Origin`, compared with the `Host` it was sent to. Without either it is not a browser's cross-site
 * request (curl, the CLI). The rule of Go's `http.CrossOriginProtection`.
 */
const isCrossSite = (request: FastifyRequest): boolean => {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  return origin !== undefined && originHost(origin) !== request.headers.host;
};

/**
 * For routes that change state: refuses what a browser sent from another site (a form on any page could start a
 * retry-all on a loopback instance without a token). The webhook has its own rule (JSON only when unsigned).
 */
export const refuseCrossSiteRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
  if (isSafeMethod(request.method) || !isCrossSite(request)) return undefined;
  return sendProblem(reply, {
    status: 403,
    title: 'Cross-site request',
    detail: 'a browser sent this from a page of another origin; requests that change state are taken from this origin or without Origin',
  });
};
