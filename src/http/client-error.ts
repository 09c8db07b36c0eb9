import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyBaseLogger } from 'fastify';
import type { Problem } from './problem.js';
import type { HeaderValues } from './security-headers.js';

/** What became of a request Node could not read, by the parser's or the server's error code. */
const problemOf = (code: string): Problem => {
  switch (code) {
    case 'HPE_INVALID_METHOD':
      return { status: 501, title: 'Not implemented', detail: 'the request method is not one HTTP or this server knows' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, title: 'Request timeout', detail: 'the request did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, title: 'Request header fields too large', detail: 'the headers exceed the size limit' };
    default:
      return { status: 400, title: 'Bad request', detail: 'the request is not valid HTTP/1.1' };
  }
};

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (an unknown method, a malformed header), headers or
 * a body that came too late. No route, hook or reply exists for it, so its problem+json, with the headers every
 * answer carries, is written to the socket, which is then closed (as Node and Fastify do).
 */
export const answerClientError =
  (headers: HeaderValues, log: FastifyBaseLogger) =>
  (error: ConnectionError, socket: Socket): void => {
    // A reset socket has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    log.trace({ err: error }, 'client error');
    if (socket.writable) {
      const problem = problemOf(error.code);
      const body = JSON.stringify({ type: 'about:blank', ...problem });
      const lines = Object.entries({
        ...headers,
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        connection: 'close',
      }).flatMap(([name, value]) => [value].flat().map((one) => `${name}: ${one}`));
      socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
