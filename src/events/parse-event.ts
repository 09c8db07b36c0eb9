import * as E from 'fp-ts/lib/Either.js';
import type { DomainEventOf, EventType, PayloadFormat } from './domain-event.js';
import { eventCatalogue } from './event-catalogue.js';
import { eventDataError, singleIssue, type EventDataError } from './event-data-error.js';
import type { Timestamp } from './timestamp.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which documented format a delivery's `data` is in: nested ones wrap the entity under its name. */
const payloadFormat = (type: EventType, data: unknown): PayloadFormat =>
  type === 'ping' || (isObject(data) && isObject(data[eventCatalogue[type].nestedKey])) ? 'nested' : 'flat';

type ParsedEvent<T extends EventType> = { readonly event: DomainEventOf<T>; readonly format: PayloadFormat; readonly stream: string };

/**
 * Reads the `data` of a known event in either format into the canonical domain event. Pure: used at intake to
 * validate, and on every read (as an upcaster) over the payload stored exactly as it was received. The envelope's
 * time is asked for only when the payload carries no business time of its own (on read, it costs a metadata parse).
 * Generic in the name, so that the definition read is that event's own and the event built is of that name.
 */
export const parseEvent = <T extends EventType>(
  type: T,
  data: unknown,
  envelopeTimestamp: () => Timestamp,
): E.Either<EventDataError, ParsedEvent<T>> => {
  const definition = eventCatalogue[type];
  const format = payloadFormat(type, data);
  const result = (format === 'nested' ? definition.nested : definition.flat).safeParse(data);
  if (!result.success) {
    // Neither the nested key nor the flat entity's id: the nested format is the documented one, so point there.
    const { nestedKey } = definition;
    if (format === 'flat' && isObject(data) && !('id' in data)) {
      return E.left(singleIssue(`data.${nestedKey}`, `required: the ${nestedKey} object (nested format), or data.id with the ${nestedKey}'s fields (flat format)`));
    }
    return E.left(eventDataError('data', result.error));
  }
  const occurredAt = definition.businessTime(result.data) ?? envelopeTimestamp();
  return E.right({ event: { type, data: result.data, occurred_at: occurredAt }, format, stream: definition.stream(result.data) });
};
