import { z } from 'zod';
import { Timestamp } from './timestamp.js';

/** What every delivery shares, whatever its event. `data` is read later, by the event's own schema. */
export const Envelope = z.looseObject({
  event: z.string().min(1).max(200),
  delivery_id: z.string().min(1).max(200),
  timestamp: Timestamp,
  data: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof Envelope>;
