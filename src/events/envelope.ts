import { z } from 'zod';
import { Timestamp } from './timestamp.js';

/**
 * The provider's event names (`contact.created`, `ping`): anything else is not stored as an event type of its own
 * (it would become one, unrecognized, for good), but quarantined.
 */
const EventName = z.string().regex(/^[a-z][a-z0-9_.]{0,99}$/, 'expected an event name of lowercase letters, digits, _ and . (at most 100)');

/** What every delivery shares, whatever its event. `data` is read later, by the event's own schema. */
export const Envelope = z.looseObject({
  event: EventName,
  delivery_id: z.string().min(1).max(200),
  timestamp: Timestamp,
  data: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof Envelope>;
