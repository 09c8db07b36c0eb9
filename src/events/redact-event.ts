import type { CONTACT_FORGOTTEN } from './contact-forgotten.js';
import type { DomainEventOf, EventType } from './domain-event.js';
import { eventCatalogue } from './parse-event.js';
import { redactEventData } from './personal-data.js';

/**
 * The event with its contact's personal data erased, as an erasure leaves it in the log (redactEventData), read
 * again by its own schema so that it is still an event of its name. Data the schema refuses once erased would be
 * refused on reading the erased log as well: a bug, so it throws. An erasure's own event is not erased.
 */
export const redactEvent = <T extends Exclude<EventType, typeof CONTACT_FORGOTTEN>>(event: DomainEventOf<T>): DomainEventOf<T> => {
  const { type } = event;
  const read = eventCatalogue[type].nested.safeParse(redactEventData(type, event.data));
  if (!read.success) throw new Error(`${type} does not read once erased: ${read.error.message}`);
  return { ...event, data: read.data };
};
