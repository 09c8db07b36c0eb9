import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackHost } from './loopback.js';
import { sendProblem } from './problem.js';

/** The host name of a `Host` header, without its port (`[::1]:3000` → `[::1]`, `localhost:3000` → `localhost`). */
const hostName = (header: string): string => (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0] ?? '');

/**
 * Without a token, being on loopback is the only protection, and DNS rebinding defeats it: a page on any origin
 * points its own name at 127.0.0.1 and reads the API as same-origin. The browser still sends that name as `Host`,
 * so only loopback names are served. `exempt` names paths that are safe from any origin (signed deliveries).
 */
export const refuseOtherHostNames =
  (exempt: ReadonlySet<string>) =>
  (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    if (exempt.has(request.url.split('?')[0] ?? '')) return undefined;
    if (isLoopbackHost(hostName((request.headers.host ?? '').toLowerCase()))) return undefined;
    return sendProblem(reply, {
      status: 421,
      title: 'Misdirected request',
      detail: 'without API_TOKEN only loopback host names are served (localhost, 127.0.0.1, [::1])',
    });
  };
