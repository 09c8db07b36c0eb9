import { z } from 'zod';
import { Contact } from './contact.js';
import { EntityId } from './entity-id.js';
import { Timestamp } from './timestamp.js';

const MessageDirection = z.enum(['inbound', 'outbound']);
type MessageDirection = z.infer<typeof MessageDirection>;

export const Message = z.looseObject({
  id: EntityId,
  direction: MessageDirection.nullish(),
  channel: z.string().nullish(),
  content: z.string().nullish(),
  status: z.string().nullish(),
  sent_at: Timestamp.nullish(),
});
export type Message = z.infer<typeof Message>;

/** `data` of message.received / message.sent in the nested format. */
export const MessageEventData = z.looseObject({ message: Message, contact: Contact });
export type MessageEventData = z.infer<typeof MessageEventData>;

/**
 * The flat format (documented for message.received): the message itself, with `value` for the text, `source` for
 * the channel, `message_by` for the author and `created_at` for the send time. The direction follows from the event.
 */
export const flatMessageEventData = (direction: MessageDirection) =>
  z
    .looseObject({
      id: EntityId,
      contact_id: EntityId,
      value: z.string().nullish(),
      message_type: z.string().nullish(),
      message_by: z.string().nullish(),
      status: z.string().nullish(),
      source: z.string().nullish(),
      created_at: Timestamp.nullish(),
    })
    .transform(({ contact_id, value, source, created_at, ...rest }): MessageEventData => ({
      // Renamed fields appear only when the payload had them: absent stays absent.
      message: { ...rest, direction, ...defined({ channel: source, content: value, sent_at: created_at }) },
      contact: { id: contact_id },
    }));

const defined = <T extends Record<string, unknown>>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
