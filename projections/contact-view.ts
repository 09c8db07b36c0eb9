import { z } from 'zod';
import { EntityId } from '../src/events/entity-id.js';
import { Timestamp } from '../src/events/timestamp.js';
import { ExtraFieldsLeftOut } from './view-row.js';

/** The contacts projection's row: its output type, and the API's Contact schema. */
export const ContactView = z.looseObject({
  id: EntityId,
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  type: z.string().nullable(),
  status: z.string().nullable(),
  blacklisted: z.boolean().nullable(),
  tags: z.array(z.string()).nullable(),
  created_at: Timestamp.nullable(),
  updated_at: Timestamp.nullable(),
  deleted_at: Timestamp.nullable(),
  extra_fields_left_out: ExtraFieldsLeftOut,
  deleted: z.boolean(),
  partial: z.boolean().describe('no contact.created seen: known only from other events'),
  forgotten: z
    .object({ at: Timestamp, reason: z.string(), erasure_id: z.string() })
    .optional()
    .describe('present once the contact was forgotten: its personal fields read "[redacted]"'),
});
export type ContactView = z.infer<typeof ContactView>;
