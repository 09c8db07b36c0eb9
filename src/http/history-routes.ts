import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditCsv } from '../history/audit-csv.js';
import { contactAuditTrail } from '../history/contact-audit-trail.js';
import { entityStream, type EntityKind } from '../history/entity-stream.js';
import { auditPage } from '../history/audit-page.js';
import { AuditPageQuery, HistoryQuery } from '../history/history-queries.js';
import { streamHistory } from '../history/stream-history.js';
import { IdParams } from '../read-model/query-schemas.js';
import type { EventStore } from '../store/event-store.js';
import { ContactAudit, ProblemSchema, StreamHistory } from './api-schemas.js';
import type { LogReads } from './log-reads.js';
import { notFound, sendProblem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';
import { storedEvent } from './stored-event.js';

const problems = { 400: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema, 503: ProblemSchema };


/** A download's name: the id's characters that are safe in a file name on every system, the rest as `_`. */
const auditFileName = (id: string | number) => `contact-${String(id).replace(/[^A-Za-z0-9_.-]/g, '_')}-audit.csv`;

/** The same request with `after` moved on: a CSV page says where the next one is in its `Link` header. */
const nextPageUrl = (url: string, after: string): string => {
  const next = new URL(url, 'http://localhost');
  next.searchParams.set('after', after);
  return `${next.pathname}${next.search}`;
};

const KINDS: readonly EntityKind[] = ['contact', 'booking', 'ticket'];

/**
 * Read straight from the log, not the read model: audit trails and raw stream history, also of deleted entities. Each
 * runs as one of the log reads, bounded in number and stopped when its client goes.
 */
export const registerHistoryRoutes = (app: FastifyInstance, deps: { readonly store: EventStore; readonly logReads: LogReads }): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/contacts/:id/audit',
    {
      schema: {
        tags: ['history'],
        summary: "A contact's audit trail: per event, in business-time order, the fields it changed (before → after)",
        params: IdParams,
        querystring: AuditPageQuery,
        response: {
          200: { content: { 'application/json': { schema: ContactAudit }, 'text/csv': { schema: z.string() } } },
          ...problems,
        },
      },
    },
    async (request, reply) =>
      await deps.logReads(request, reply, async (signal) => {
        const { from, to, format, raw, limit, after } = request.query;
        const trail = await contactAuditTrail(deps.store, request.params.id, { from, to, after }, signal);
        if (E.isLeft(trail)) return sendStoreUnavailable(reply, trail.left);
        if (trail.right === undefined) return sendProblem(reply, notFound(`no stream ${entityStream('contact', request.params.id)}`));
        const page = await auditPage(trail.right.entries, limit);
        if (E.isLeft(page)) return sendStoreUnavailable(reply, page.left);
        const { entries, next_after: nextAfter } = page.right;
        if (format === 'csv') {
          if (nextAfter !== null) reply.header('link', `<${nextPageUrl(request.url, nextAfter)}>; rel="next"`);
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${auditFileName(request.params.id)}"`)
            .send(auditCsv(entries, { raw }));
        }
        return { contact_id: trail.right.contact_id, ...page.right };
      }),
  );

  for (const kind of KINDS) {
    api.get(
      `/${kind}s/:id/history`,
      {
        schema: {
          tags: ['history'],
          summary: `The raw stored events of a ${kind}'s stream, with metadata, revision and position`,
          params: IdParams,
          querystring: HistoryQuery,
          response: { 200: StreamHistory, ...problems },
        },
      },
      async (request, reply) =>
        await deps.logReads(request, reply, async (signal) => {
          const stream = entityStream(kind, request.params.id);
          const history = await streamHistory(deps.store, stream, request.query, signal);
          if (E.isLeft(history)) return sendStoreUnavailable(reply, history.left);
          if (history.right === undefined) return sendProblem(reply, notFound(`no stream ${stream}`));
          return { ...history.right, events: history.right.events.map(storedEvent) };
        }),
    );
  }
};
