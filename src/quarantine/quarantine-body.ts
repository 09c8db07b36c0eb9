import * as E from 'fp-ts/lib/Either.js';
import { QUARANTINE_STREAM } from '../events/route-delivery.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { quarantinedDelivery } from './quarantined-delivery.js';

type QuarantineBody = {
  readonly revision: number;
  readonly event_id: string;
  /** utf8 when the bytes were valid UTF-8, base64 otherwise: the body is never decoded into something it was not. */
  readonly encoding: 'utf8' | 'base64';
  readonly body: string;
};

/** The bytes one kept delivery arrived with; undefined when that revision holds none. */
export const quarantineBody = async (store: EventStore, revision: number): Promise<E.Either<EventStoreError, QuarantineBody | undefined>> => {
  const read = await store.readStream(QUARANTINE_STREAM, { fromRevision: revision, limit: 1 });
  if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right(undefined) : read;
  const recorded = read.right[0];
  const kept = recorded === undefined || recorded.revision !== revision ? undefined : quarantinedDelivery(recorded);
  if (kept === undefined) return E.right(undefined);
  const { body_text: text, body_base64: base64 } = kept.kept;
  return E.right({
    revision,
    event_id: kept.recorded.id,
    encoding: text !== undefined ? 'utf8' : 'base64',
    body: text ?? base64 ?? '',
  });
};
