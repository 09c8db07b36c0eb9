import { jsonEvent, type JSONType } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from './event-store-error.js';
import type { EventRewrite, RecordedEvent } from './event-store.js';
import { writeOptions, type AppendSettings } from './eventstoredb-append.js';
import { withDeadline, type EventStoreDbClient } from './eventstoredb-client.js';

/**
 * EventStoreDB never changes a written event, so an erasure copies: from the first event to rewrite to the end of
 * the stream, every event is appended again (rewritten, or as it was, to keep the stream's order), with its own id,
 * at the exact end that was read; then the stream's `truncateBefore` moves to the first copy, so the originals are
 * no longer read (the server drops their bytes at its next scavenge). A crash between the two leaves both copies
 * readable: the projections see each event id twice, which they ignore, and the next run truncates.
 */
export const rewriteByCopy = async (
  client: EventStoreDbClient,
  settings: Pick<AppendSettings, 'deadlineMs' | 'credentials'>,
  stream: string,
  events: readonly RecordedEvent[],
  rewrites: readonly EventRewrite[],
): Promise<E.Either<EventStoreError, number>> => {
  const byId = new Map(rewrites.map((rewrite) => [rewrite.id, rewrite]));
  const first = events.findIndex((event) => byId.has(event.id));
  const last = events.at(-1);
  if (first === -1 || last === undefined) return E.right(0);
  const copies = events.slice(first).map((event) => {
    const rewrite = byId.get(event.id);
    const data = (rewrite?.data ?? event.data) as JSONType;
    return jsonEvent({ id: event.id, type: event.type, data, metadata: rewrite?.metadata ?? event.metadata });
  });
  await withDeadline(
    client.appendToStream(stream, copies, { expectedRevision: BigInt(last.revision), ...writeOptions(settings) }),
    settings.deadlineMs,
    'append',
  );
  await withDeadline(
    client.setStreamMetadata(stream, { truncateBefore: last.revision + 1 }, writeOptions(settings)),
    settings.deadlineMs,
    'set stream metadata',
  );
  return E.right(events.slice(first).filter((event) => byId.has(event.id)).length);
};
