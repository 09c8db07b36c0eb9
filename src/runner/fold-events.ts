import * as E from 'fp-ts/lib/Either.js';
import { micros } from '../../projections/last-writer-wins.js';
import { evolveEntities } from '../../projections/fold.js';
import type { EntityStates, ProjectedEvent } from '../../projections/projection.js';
import { DELIVERY_UNRECOGNIZED } from '../events/delivery-log-events.js';
import { isEventType, parseEvent } from '../events/parse-event.js';
import { UNRECOGNIZED_STREAM } from '../events/route-delivery.js';
import type { Timestamp } from '../events/timestamp.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { RecordedEvent } from '../store/event-store.js';

/** A stored event the projections cannot use, and why (it was valid when stored; a stricter schema may differ). */
export type UnprojectableEvent = { readonly position: number; readonly eventId: string; readonly type: string; readonly reason: string };

const envelopeTimestamp = (recorded: RecordedEvent): Timestamp => {
  const value = recorded.metadata['envelope_timestamp'];
  return typeof value === 'string' || typeof value === 'number' ? value : recorded.recordedAt;
};

/**
 * The type projections know a stored event by: its own, but for an unrecognized delivery, stored under the name it
 * came with (any name, `contact.forgotten` too), which they read as `delivery.unrecognized`.
 */
const projectedType = (recorded: RecordedEvent): string => (recorded.stream === UNRECOGNIZED_STREAM ? DELIVERY_UNRECOGNIZED : recorded.type);

/**
 * The upcaster on the read path: the payload as received becomes the canonical domain event, with where and when it
 * arrived. Events of other kinds (an erasure's records) are not for projections: undefined.
 */
export const toProjectedEvent = (recorded: RecordedEvent): E.Either<UnprojectableEvent, ProjectedEvent | undefined> => {
  const type = projectedType(recorded);
  if (!isEventType(type)) return E.right(undefined);
  const data = type === DELIVERY_UNRECOGNIZED ? { event: recorded.type } : recorded.data;
  const parsed = parseEvent(type, data, () => envelopeTimestamp(recorded));
  if (E.isLeft(parsed)) {
    return E.left({ position: recorded.position, eventId: recorded.id, type: recorded.type, reason: parsed.left.reason });
  }
  const { event } = parsed.right;
  const { delivery_id: deliveryId, received_at: receivedAt } = recorded.metadata;
  const arrival = {
    stream: recorded.stream,
    revision: recorded.revision,
    position: recorded.position,
    delivery_id: typeof deliveryId === 'string' ? deliveryId : null,
    received_at: typeof receivedAt === 'string' ? receivedAt : recorded.recordedAt,
  };
  return E.right({ id: recorded.id, micros: micros(event.occurred_at), event, arrival });
};

/** An event as the projections take it, and its position: what a target's checkpoint is compared with. */
export type PositionedEvent = { readonly position: number; readonly projected: ProjectedEvent };

/**
 * The loop every fold of the log (live, catch-up, rebuild, verify) takes events through: upcastEvents, then
 * foldIntoTargets; between the two a fold loads, holds or spills what it needs.
 *
 * Upcasts once each, for every target, the events some target handles; those the projections cannot read go to
 * `skipped`, which the fold commits with its checkpoints.
 */
export const upcastEvents = (
  targets: readonly ProjectionTarget[],
  events: readonly RecordedEvent[],
  skipped: UnprojectableEvent[],
): PositionedEvent[] => {
  const wanted = new Set<string>();
  for (const { projection } of targets) for (const type of projection.handles) wanted.add(type);
  const upcast: PositionedEvent[] = [];
  for (const recorded of events) {
    if (!wanted.has(projectedType(recorded))) continue;
    const result = toProjectedEvent(recorded);
    if (E.isLeft(result)) skipped.push(result.left);
    else if (result.right !== undefined) upcast.push({ position: recorded.position, projected: result.right });
  }
  return upcast;
};

/** One target, and where its fold keeps the entities' states. */
export type TargetStates = { readonly target: ProjectionTarget; readonly states: EntityStates<unknown> };

/**
 * Folds each event, in the order given, into the states of every target it lies past the checkpoint of, through the
 * one fold step. `holds` narrows the keys to those this fold owns (a bulk fold's bucket).
 */
export const foldIntoTargets = (folds: readonly TargetStates[], events: readonly PositionedEvent[], holds?: (key: string) => boolean): void => {
  for (const event of events) {
    for (const { target, states } of folds) {
      if (event.position > target.position) evolveEntities(target.projection, states, event.projected, holds);
    }
  }
};
