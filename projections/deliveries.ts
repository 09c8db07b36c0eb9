import { PROVIDER_EVENT_TYPES } from '../src/events/domain-event.js';
import type { AttemptView, DeliveryAttempt, DeliveryView } from './delivery-view.js';
import { isRecord } from './is-record.js';
import type { Arrival, ProjectedEvent, Projection } from './projection.js';

const HANDLES = [...PROVIDER_EVENT_TYPES, 'delivery.unrecognized', 'delivery.quarantined', 'delivery.attempted'] as const;
type Handled = (typeof HANDLES)[number];
type Delivered = ProjectedEvent<Exclude<Handled, 'delivery.attempted'>>;

const ATTEMPT = 'attempt:';

/** The row of a further attempt's delivery id, apart from the events' rows (keyed by their ids, UUIDs). */
export const attemptKey = (deliveryId: string): string => `${ATTEMPT}${deliveryId}`;

/**
 * An event's row: its attempts alone until its event is folded (a rebuild may fold a further attempt first), then
 * the delivery as the log holds it with every attempt, shaped as its view, so that its row is stored once where the
 * two are the same (read-model-writes.ts). An attempt's row: the events its delivery id repeated, its own view.
 */
export type DeliveryState = { readonly attempts: readonly DeliveryAttempt[] } | DeliveryView | AttemptView;

const isDelivered = (state: DeliveryState): state is DeliveryView => 'event_id' in state;

const CONVERSATION = 'conversation-';

/** The delivery's row, with these attempts, in the order of the view's fields, made in one object. */
const deliveryOf = (id: string, event: Delivered['event'], arrival: Arrival, attempts: readonly DeliveryAttempt[]): DeliveryState => {
  const { stream, revision, position, delivery_id, received_at } = arrival;
  let name: string | null = event.type;
  let outcome: DeliveryView['outcome'] = 'appended';
  let entity: string | null = null;
  let reason: string | null = null;
  switch (event.type) {
    case 'delivery.unrecognized':
      name = event.data.event;
      outcome = 'unrecognized';
      break;
    case 'delivery.quarantined':
      name = event.data.event ?? null;
      outcome = 'quarantined';
      reason = event.data.reason ?? null;
      break;
    default:
      // A message is about its contact: the conversation's stream is named after it.
      entity = stream.startsWith(CONVERSATION) ? `contact-${stream.slice(CONVERSATION.length)}` : /^(contact|booking|ticket)-/.test(stream) ? stream : null;
  }
  return { event_id: id, event: name, outcome, stream, revision, position, entity, delivery_id, received_at, reason, attempts };
};

type ArrivalOrder = Pick<DeliveryView, 'received_at' | 'position' | 'delivery_id'>;

/**
 * Which of two records of one event the row shows, the same in any order: the earlier arrival, and of one arrival the
 * later copy (an erasure on EventStoreDB copies an event, same id and metadata, and truncates the original); the
 * delivery id decides what nothing else does. Read off the arrival, before a row is made for it.
 */
const shows = (a: ArrivalOrder, b: ArrivalOrder): boolean => {
  if (a.received_at !== b.received_at) return a.received_at < b.received_at;
  if (a.position !== b.position) return a.position > b.position;
  return (a.delivery_id ?? '') < (b.delivery_id ?? '');
};

const byArrival = (a: DeliveryAttempt, b: DeliveryAttempt): number =>
  a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : a.delivery_id < b.delivery_id ? -1 : a.delivery_id > b.delivery_id ? 1 : 0;

/** One attempt per delivery id, its earliest arrival. */
const withAttempt = (attempts: readonly DeliveryAttempt[], attempt: DeliveryAttempt): readonly DeliveryAttempt[] => {
  const same = attempts.find((a) => a.delivery_id === attempt.delivery_id);
  if (same !== undefined && same.received_at <= attempt.received_at) return attempts;
  return [...attempts.filter((a) => a !== same), attempt].sort(byArrival);
};

/**
 * The delivery log: a row per delivery the log holds, kept aside ones included, and a row per further attempt's
 * delivery id, so that any attempt's id finds its delivery by key. Rows are keyed by event id, so that a provider
 * retry (the same event id) is one delivery with one more attempt.
 */
export const deliveriesProjection: Projection<Handled, DeliveryState, DeliveryView | AttemptView> = {
  name: 'deliveries',
  version: 2,
  handles: HANDLES,
  keysOf: ({ id, event, arrival }) =>
    event.type !== 'delivery.attempted'
      ? [id]
      : [event.data.event_id, ...(arrival.delivery_id === null ? [] : [attemptKey(arrival.delivery_id)])],
  initial: (key) => (key.startsWith(ATTEMPT) ? { delivery_id: key.slice(ATTEMPT.length), attempt_of: [] } : { attempts: [] }),
  evolve: (state, projected) => {
    const { event, arrival } = projected;
    if ('attempt_of' in state) {
      if (event.type !== 'delivery.attempted' || state.attempt_of.includes(event.data.event_id)) return state;
      return { ...state, attempt_of: [...state.attempt_of, event.data.event_id].sort() };
    }
    if (event.type === 'delivery.attempted') {
      if (arrival.delivery_id === null) return state;
      const attempts = withAttempt(state.attempts, { delivery_id: arrival.delivery_id, received_at: arrival.received_at });
      return attempts === state.attempts ? state : { ...state, attempts };
    }
    return isDelivered(state) && !shows(arrival, state) ? state : deliveryOf(projected.id, event, arrival, state.attempts);
  },
  view: (state) => {
    if ('attempt_of' in state) return state;
    if (!isDelivered(state)) return null;
    // The same attempt sent again (a file ingested twice) is no further attempt.
    const own = state.delivery_id;
    return state.attempts.some((a) => a.delivery_id === own) ? { ...state, attempts: state.attempts.filter((a) => a.delivery_id !== own) } : state;
  },
  isState: (stored): stored is DeliveryState => isRecord(stored) && (Array.isArray(stored['attempts']) || Array.isArray(stored['attempt_of'])),
};
