import * as E from 'fp-ts/lib/Either.js';
import { collectEvents } from '../store/collect-events.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, Position } from '../store/event-store.js';

/** Counting the events behind stops here; the overview then says "at least". */
export const LAG_COUNT_LIMIT = 10_000;

export type ProjectionLag = {
  readonly events: number;
  /** False when more than LAG_COUNT_LIMIT events are behind. */
  readonly exact: boolean;
  /** Age of the oldest event not yet applied (0 when none is behind). */
  readonly seconds: number;
};

/** How far a checkpoint is behind the log: the events after it, and how long the first of them has been waiting. */
export const projectionLag = async (store: EventStore, checkpoint: Position, now: Date): Promise<E.Either<EventStoreError, ProjectionLag>> => {
  const behind = await collectEvents(store, { fromPosition: checkpoint, limit: LAG_COUNT_LIMIT + 1 });
  if (E.isLeft(behind)) return behind;
  const oldest = behind.right[0];
  return E.right({
    events: Math.min(behind.right.length, LAG_COUNT_LIMIT),
    exact: behind.right.length <= LAG_COUNT_LIMIT,
    seconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest.recordedAt)) / 1000),
  });
};
