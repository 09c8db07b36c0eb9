import type { FastifyReply } from 'fastify';

/** RFC 9457 problem details: every error this service answers has this shape. */
export type Problem = {
  readonly type?: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
};

/** The 404 of what this service does not have; `detail` says what was asked for. */
export const notFound = (detail: string): Problem => ({ status: 404, title: 'Not found', detail });

/** An error's answer; never cached, also on the paths whose other answers are (the documentation, the console). */
export const sendProblem = (reply: FastifyReply, problem: Problem): FastifyReply =>
  reply.code(problem.status).header('cache-control', 'no-store').type('application/problem+json').send({ type: 'about:blank', ...problem });
