import { z } from 'zod';
import { EntityId } from './entity-id.js';
import { Timestamp } from './timestamp.js';

/** A contact as the nested format carries it. Every field but `id` may be absent (updates carry only changes). */
export const Contact = z.looseObject({
  id: EntityId,
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  type: z.string().nullish(),
  status: z.string().nullish(),
  blacklisted: z.boolean().nullish(),
  tags: z.array(z.string()).nullish(),
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
  deleted_at: Timestamp.nullish(),
});
export type Contact = z.infer<typeof Contact>;

/** `data` of contact.created / contact.updated / contact.deleted in the nested format. */
export const ContactEventData = z.looseObject({ contact: Contact });
export type ContactEventData = z.infer<typeof ContactEventData>;

/** The flat format: `data` is the contact itself, with `is_blacklist` (boolean or 0/1) for `blacklisted`. */
export const FlatContactEventData = z
  .looseObject({
    ...Contact.shape,
    is_blacklist: z.union([z.boolean(), z.literal(0), z.literal(1)]).nullish(),
  })
  .transform(({ is_blacklist, ...contact }): ContactEventData => ({
    contact: is_blacklist === undefined ? contact : { ...contact, blacklisted: is_blacklist === null ? null : Boolean(is_blacklist) },
  }));
