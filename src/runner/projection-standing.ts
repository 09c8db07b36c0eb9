import * as E from 'fp-ts/lib/Either.js';
import type { Projection } from '../../projections/projection.js';
import type { ReadModel } from '../read-model/read-model.js';
import { EventStoreFailure, type EventStoreError } from '../store/event-store-error.js';
import type { EventStore, Position } from '../store/event-store.js';
import { logLag, type LogLag } from './log-lag.js';
import type { Runner } from './runner.js';

/** How one live projection stands against the log. */
export type ProjectionStanding = {
  readonly name: string;
  readonly version: number;
  readonly position: number;
  /** Counted up to LAG_COUNT_LIMIT (see logLag). */
  readonly lagEvents: number;
  readonly lagExact: boolean;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly lagSeconds: number;
  /** How long it has been behind without moving its checkpoint (0 when caught up). */
  readonly behindWithoutProgressMs: number;
  readonly unreadableEvents: number;
};

export type LogStanding = { readonly head: Position; readonly projections: readonly ProjectionStanding[] };

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
  runner: Pick<Runner, 'progress'>;
  readModel: Pick<ReadModel, 'catalog'>;
  projections: readonly Projection[];
  now: () => Date;
};

const standing = async (deps: StandingDeps): Promise<E.Either<EventStoreError, LogStanding>> => {
  const head = await deps.store.headPosition();
  if (E.isLeft(head)) return head;
  const now = deps.now().getTime();
  const skipped = new Map(Object.entries(await deps.readModel.catalog.skippedByType()));
  const handles = new Map(deps.projections.map((p) => [p.name, p.handles as readonly string[]]));
  // Projections mostly share a checkpoint: each distinct one is measured once.
  const lags = new Map<Position, LogLag>();
  const projections: ProjectionStanding[] = [];
  for (const progress of deps.runner.progress()) {
    let lag = lags.get(progress.position);
    if (lag === undefined) {
      const measured = await logLag(deps.store, progress.position, new Date(now));
      if (E.isLeft(measured)) return measured;
      lag = measured.right;
      lags.set(progress.position, lag);
    }
    const oldest = lag.events > 0 ? now - lag.seconds * 1000 : undefined;
    projections.push({
      name: progress.name,
      version: progress.version,
      position: progress.position,
      lagEvents: lag.events,
      lagExact: lag.eventsExact,
      lagSeconds: lag.seconds,
      behindWithoutProgressMs: oldest === undefined ? 0 : Math.max(0, now - Math.max(progress.advancedAt, oldest)),
      unreadableEvents: (handles.get(progress.name) ?? []).reduce((sum, type) => sum + (skipped.get(type) ?? 0), 0),
    });
  }
  return E.right({ head: head.right, projections });
};
