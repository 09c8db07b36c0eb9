import * as E from 'fp-ts/lib/Either.js';
import type { StoredProjection } from '../../projections/projection.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import { EventStoreFailure, type EventStoreError } from '../store/event-store-error.js';
import type { EventStore, Position } from '../store/event-store.js';
import { lagInEvents } from './projection-lag.js';
import type { Runner } from './runner.js';

/** How one live projection stands against the log. */
export type ProjectionStanding = {
  readonly name: string;
  readonly version: number;
  readonly position: number;
  readonly lagEvents: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly lagSeconds: number;
  /** How long it has been behind without moving its checkpoint (0 when caught up). */
  readonly behindWithoutProgressMs: number;
  readonly unreadableEvents: number;
};

export type LogStanding = { readonly head: Position; readonly projections: readonly ProjectionStanding[] };

const oldestUnappliedAt = async (store: EventStore, checkpoint: Position): Promise<number | undefined> => {
  for await (const event of store.readAll({ fromPosition: checkpoint, limit: 1 })) return Date.parse(event.recordedAt);
  return undefined;
};

/**
 * The log's head and, per projection, checkpoint, lag (events and seconds) and unreadable events skipped. Behind
 * "without progress" counts from the later of the last checkpoint move and the oldest pending event's arrival, so
 * an idle projection that has just been handed a new event is not taken for a stalled one.
 */
export const projectionStanding = async (deps: StandingDeps): Promise<E.Either<EventStoreError, LogStanding>> => {
  try {
    return await standing(deps);
  } catch (error) {
    if (error instanceof EventStoreFailure) return E.left(error.error);
    throw error;
  }
};

type StandingDeps = {
  store: EventStore;
  runner: Runner;
  readModel: ReadModelDb;
  projections: readonly StoredProjection[];
  now: () => Date;
};

const standing = async (deps: StandingDeps): Promise<E.Either<EventStoreError, LogStanding>> => {
  const head = await deps.store.headPosition();
  if (E.isLeft(head)) return head;
  const now = deps.now().getTime();
  const skipped = new Map(
    deps.readModel
      .prepare<[], { type: string; events: number }>('SELECT type, COUNT(*) AS events FROM skipped_events GROUP BY type')
      .all()
      .map((row) => [row.type, row.events]),
  );
  const handles = new Map(deps.projections.map((p) => [p.name, p.handles as readonly string[]]));
  const pendingSince = new Map<Position, number | undefined>();
  const projections: ProjectionStanding[] = [];
  for (const progress of deps.runner.progress()) {
    const lagEvents = lagInEvents(head.right, progress.position);
    if (lagEvents > 0 && !pendingSince.has(progress.position)) {
      pendingSince.set(progress.position, await oldestUnappliedAt(deps.store, progress.position));
    }
    const oldest = lagEvents > 0 ? pendingSince.get(progress.position) : undefined;
    projections.push({
      name: progress.name,
      version: progress.version,
      position: progress.position,
      lagEvents,
      lagSeconds: oldest === undefined ? 0 : Math.max(0, now - oldest) / 1000,
      behindWithoutProgressMs: oldest === undefined ? 0 : Math.max(0, now - Math.max(progress.advancedAt, oldest)),
      unreadableEvents: (handles.get(progress.name) ?? []).reduce((sum, type) => sum + (skipped.get(type) ?? 0), 0),
    });
  }
  return E.right({ head: head.right, projections });
};
