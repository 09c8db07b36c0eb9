import * as E from 'fp-ts/lib/Either.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { attemptEventId } from '../../src/events/canonical-json.js';
import { ATTEMPTS_STREAM, DELIVERY_ATTEMPTED } from '../../src/events/delivery-log-events.js';
import { routeDelivery } from '../../src/events/route-delivery.js';
import { toProjectedEvent } from '../../src/runner/fold-events.js';
import type { RecordedEvent } from '../../src/store/event-store.js';

/** Where and when the log took it. */
type Logged = { readonly position: number; readonly receivedAt: string };

const projected = (recorded: RecordedEvent): ProjectedEvent => {
  const read = toProjectedEvent(recorded);
  if (E.isLeft(read) || read.right === undefined) throw new Error(`${recorded.type} is not for projections`);
  return read.right;
};

/**
 * A delivery as the log holds it (its own stream, unrecognized or quarantine: routed as intake routes it), read by
 * the real upcaster: what the deliveries projection is given.
 */
export const loggedDelivery = (body: unknown, { position, receivedAt }: Logged): ProjectedEvent => {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const { record, facts } = E.toUnion(routeDelivery(bytes));
  const metadata = { delivery_id: facts.deliveryId ?? null, received_at: receivedAt };
  return projected({ ...record, revision: position, position, metadata, recordedAt: receivedAt });
};

/** A further attempt of a logged delivery (a provider retry answered `duplicate`), as intake records it. */
export const loggedAttempt = (of: ProjectedEvent, deliveryId: string, { position, receivedAt }: Logged): ProjectedEvent =>
  projected({
    id: attemptEventId(of.id, deliveryId),
    stream: ATTEMPTS_STREAM,
    type: DELIVERY_ATTEMPTED,
    data: { event_id: of.id, stream: of.arrival.stream },
    revision: position,
    position,
    metadata: { delivery_id: deliveryId, received_at: receivedAt },
    recordedAt: receivedAt,
  });
