import * as E from 'fp-ts/lib/Either.js';
import { collectEvents } from '../store/collect-events.js';
import type { EventStoreError } from '../store/event-store-error.js';
import { START, type EventStore, type Position } from '../store/event-store.js';

const HOUR_MS = 3_600_000;
const HOURS = 24;
const READ_PAGE = 5_000;

type HourCount = { readonly hour: string; readonly events: number };

/**
 * The first log position whose next event was recorded at or after `cutoffMs`, by bisection over positions: a few
 * dozen one-event reads instead of reading the whole log (positions need not be dense, as in EventStoreDB).
 */
const positionBefore = async (store: EventStore, cutoffMs: number): Promise<E.Either<EventStoreError, Position>> => {
  const head = await store.headPosition();
  if (E.isLeft(head)) return head;
  let low = START;
  let high = head.right;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const next = await collectEvents(store, { fromPosition: middle, limit: 1 });
    if (E.isLeft(next)) return next;
    const event = next.right[0];
    if (event !== undefined && Date.parse(event.recordedAt) < cutoffMs) low = Math.max(middle + 1, event.position);
    else high = middle;
  }
  return E.right(low);
};

/**
 * Events appended to the log per hour (by the store's record time) over the last 24 hours, the current hour last.
 * Counts are kept between calls, so each call reads only what was appended since the previous one.
 */
export const appendedPerHour = (store: EventStore) => {
  const counts = new Map<number, number>();
  let readUpTo: Position | undefined;
  let previous: Promise<unknown> = Promise.resolve();

  const refresh = async (now: Date): Promise<E.Either<EventStoreError, HourCount[]>> => {
    const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const firstHour = currentHour - (HOURS - 1) * HOUR_MS;
    if (readUpTo === undefined) {
      const start = await positionBefore(store, firstHour);
      if (E.isLeft(start)) return start;
      readUpTo = start.right;
    }
    for (;;) {
      const page = await collectEvents(store, { fromPosition: readUpTo, limit: READ_PAGE });
      if (E.isLeft(page)) return page;
      for (const event of page.right) {
        const hour = Math.floor(Date.parse(event.recordedAt) / HOUR_MS) * HOUR_MS;
        if (hour >= firstHour) counts.set(hour, (counts.get(hour) ?? 0) + 1);
        readUpTo = event.position;
      }
      if (page.right.length < READ_PAGE) break;
    }
    for (const hour of counts.keys()) if (hour < firstHour) counts.delete(hour);
    return E.right(
      Array.from({ length: HOURS }, (_, index) => {
        const hour = firstHour + index * HOUR_MS;
        return { hour: new Date(hour).toISOString(), events: counts.get(hour) ?? 0 };
      }),
    );
  };

  /** One refresh at a time: concurrent callers (several open consoles) would count the same events twice. */
  return (now: Date): Promise<E.Either<EventStoreError, HourCount[]>> => {
    const next = previous.then(() => refresh(now));
    previous = next.catch(() => undefined);
    return next;
  };
};
