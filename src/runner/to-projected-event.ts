import * as E from 'fp-ts/lib/Either.js';
import { micros } from '../../projections/last-writer-wins.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { isEventType, parseEvent } from '../events/parse-event.js';
import type { Timestamp } from '../events/timestamp.js';
import type { RecordedEvent } from '../store/event-store.js';

/** A stored event the projections cannot use, and why (it was valid when stored; a stricter schema may differ). */
export type UnprojectableEvent = { readonly position: number; readonly eventId: string; readonly type: string; readonly reason: string };

const envelopeTimestamp = (recorded: RecordedEvent): Timestamp => {
  const value = recorded.metadata['envelope_timestamp'];
  return typeof value === 'string' || typeof value === 'number' ? value : recorded.recordedAt;
};

/**
 * The upcaster on the read path: the payload as received becomes the canonical domain event. Events of other
 * kinds (quarantine, unrecognized) are not for projections: undefined.
 */
export const toProjectedEvent = (recorded: RecordedEvent): E.Either<UnprojectableEvent, ProjectedEvent | undefined> => {
  if (!isEventType(recorded.type)) return E.right(undefined);
  const parsed = parseEvent(recorded.type, recorded.data, () => envelopeTimestamp(recorded));
  if (E.isLeft(parsed)) {
    return E.left({ position: recorded.position, eventId: recorded.id, type: recorded.type, reason: parsed.left.reason });
  }
  const { event } = parsed.right;
  return E.right({ id: recorded.id, micros: micros(event.occurred_at), event });
};
