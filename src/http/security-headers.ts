import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import type { FastifyReply } from 'fastify';

type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * The one place this service's Content-Security-Policy is written. JSON answers need nothing: `default-src 'none'`
 * and no framing. A route that serves a page extends `PAGE_CSP` with what it loads (see `cspFor`).
 */
const API_CSP: CspDirectives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Same-origin scripts, styles and images only; no inline script, no plugins, no framing. */
const PAGE_CSP: CspDirectives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
};

const cspHeader = (directives: CspDirectives): string =>
  Object.entries(directives)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');

/** `PAGE_CSP` with `extra` sources added per directive, as a header value. */
const cspFor = (extra: CspDirectives = {}): string =>
  cspHeader(
    Object.fromEntries(
      Object.keys({ ...PAGE_CSP, ...extra }).map((directive) => [directive, [...new Set([...(PAGE_CSP[directive] ?? []), ...(extra[directive] ?? [])])]]),
    ),
  );

/** swagger-ui's page: its own CSP (`staticCSP`), loading nothing from elsewhere (swagger-ui's default allows https:). */
export const DOCS_CSP = cspFor();

/** For the few answers Fastify makes before any hook runs (a URL it cannot route): the headers that matter. */
export const setBareSecurityHeaders = (reply: FastifyReply): void => {
  reply.header('x-content-type-options', 'nosniff').header('content-security-policy', cspHeader(API_CSP)).header('cache-control', 'no-store');
};

/** The web console's pages: its own origin only (scripts, styles, icons and the API it calls), no inline script. */
export const CONSOLE_CSP = cspFor();

/**
 * Paths whose answers carry no personal data and set their own caching: the documentation page and its assets, and
 * the console's static files (its data comes from the API, which stays no-store). Tested on the URL as requested.
 */
export const CACHEABLE_PATH = /^\/(?:docs|docs\/static\/[^?]*|console|console\/[^?]*)(?:\?|$)/;

export type HeaderValues = Record<string, string | number | string[]>;

/**
 * What helmet sets, with the API's CSP. Its headers do not depend on the request, so they are taken once from a
 * response it was given: the Fastify plugin built helmet anew for every request (about 4% of intake's CPU), and
 * even built once its middleware costs 2% setting them one by one.
 */
const helmetHeaders = (): HeaderValues => {
  const response = new ServerResponse(new IncomingMessage(new Socket()));
  helmet({ contentSecurityPolicy: { useDefaults: false, directives: { ...API_CSP } } })(response.req, response, () => undefined);
  return Object.fromEntries(Object.entries(response.getHeaders()).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])));
};

/**
 * Every header of an answer: helmet's (nosniff, no framing, no referrer, ...), a CSP, and `Cache-Control: no-store`
 * (answers carry contacts' names, emails and phones) but on the CACHEABLE_PATH answers. Also for the few answers
 * written to the socket by hand (a request Node could not parse).
 */
export const answerHeaders = (): { readonly api: HeaderValues; readonly cacheable: HeaderValues } => {
  const helmet = helmetHeaders();
  return { api: { ...helmet, 'cache-control': 'no-store' }, cacheable: helmet };
};
