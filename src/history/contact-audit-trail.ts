import * as E from 'fp-ts/lib/Either.js';
import { contactAudit, type AuditEntry } from '../../projections/contact-audit.js';
import { micros } from '../../projections/last-writer-wins.js';
import type { EntityId } from '../events/entity-id.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { entityStream } from './entity-stream.js';
import { historicEvents, type HistoricEvent } from './historic-events.js';
import { readWholeStream } from './read-stream-if-exists.js';

export type ContactAuditTrail = { readonly contact_id: EntityId; readonly entries: AuditEntry[] };

/** Bounds on occurred_at, in microseconds, both inclusive. */
export type AuditWindow = { readonly from?: number | undefined; readonly to?: number | undefined };

const within =
  ({ from, to }: AuditWindow) =>
  (entry: AuditEntry): boolean => {
    const at = micros(entry.occurred_at);
    return (from === undefined || at >= from) && (to === undefined || at <= to);
  };

/** The id as the events carry it (42, not "42"), like every other view. */
const contactIdOf = (events: readonly HistoricEvent[], key: string): EntityId => {
  const event = events[0]?.event;
  return (event === undefined || event.type === 'ping' ? undefined : event.data.contact?.id) ?? key;
};

/**
 * A contact's audit trail, read from the log, so it outlives the contact's deletion. The window only chooses which
 * entries are shown: each entry's `from` values still come from everything before it. Undefined: no such stream.
 */
export const contactAuditTrail = async (
  store: EventStore,
  key: string,
  window: AuditWindow,
): Promise<E.Either<EventStoreError, ContactAuditTrail | undefined>> => {
  const read = await readWholeStream(store, entityStream('contact', key));
  if (E.isLeft(read)) return read;
  if (read.right === undefined) return E.right(undefined);
  const events = historicEvents(read.right);
  return E.right({ contact_id: contactIdOf(events, key), entries: contactAudit(key, events).filter(within(window)) });
};
