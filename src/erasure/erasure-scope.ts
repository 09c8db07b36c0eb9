import { setImmediate } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import { streamsNamed } from '../events/personal-data.js';
import { EventStoreFailure, type EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';

const ENTITY_STREAMS = ['contact-', 'conversation-', 'booking-', 'ticket-'];
/** Events scanned between two turns of the event loop: the scan must not hold up the requests of its process. */
const EVENTS_PER_TURN = 1_000;

/**
 * The streams that hold a contact's personal data: its own stream, its conversation, and every booking and ticket
 * stream with an event naming it. One pass over the entity streams of the log, reading only what each event names
 * (no schema); `onScanned` is told the position reached.
 */
export const erasureStreams = async (
  store: EventStore,
  key: string,
  onScanned: (position: number) => void = () => undefined,
): Promise<E.Either<EventStoreError, string[]>> => {
  const contact = `contact-${key}`;
  const own = new Set([contact, `conversation-${key}`]);
  const named = new Set<string>();
  let scanned = 0;
  try {
    for await (const recorded of store.readAll({ filter: { streamPrefixes: ENTITY_STREAMS } })) {
      if (own.has(recorded.stream) || streamsNamed({ event: recorded.type, data: recorded.data }).includes(contact)) named.add(recorded.stream);
      scanned += 1;
      if (scanned % EVENTS_PER_TURN === 0) {
        onScanned(recorded.position);
        await setImmediate();
      }
    }
  } catch (error) {
    if (error instanceof EventStoreFailure) return E.left(error.error);
    throw error;
  }
  return E.right([...named]);
};
