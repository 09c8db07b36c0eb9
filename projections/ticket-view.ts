import { z } from 'zod';
import { EntityId } from '../src/events/entity-id.js';
import { Timestamp } from '../src/events/timestamp.js';
import { ExtraFieldsLeftOut } from './view-row.js';

/** The tickets projection's row: its output type, and the API's Ticket schema. */
export const TicketView = z.looseObject({
  id: EntityId,
  contact_id: EntityId.nullable(),
  subject: z.string().nullable(),
  status: z.string().nullable(),
  priority: z.string().nullable(),
  created_at: Timestamp.nullable(),
  extra_fields_left_out: ExtraFieldsLeftOut,
});
export type TicketView = z.infer<typeof TicketView>;
