import { z } from 'zod';
import { EntityId } from '../src/events/entity-id.js';
import { Timestamp } from '../src/events/timestamp.js';
import { ExtraFieldsLeftOut } from './view-row.js';

/** One message of a conversation. */
export const MessageView = z.looseObject({
  id: EntityId,
  direction: z.enum(['inbound', 'outbound']).nullable(),
  channel: z.string().nullable(),
  content: z.string().nullable(),
  status: z.string().nullable(),
  sent_at: Timestamp,
  extra_fields_left_out: ExtraFieldsLeftOut,
});
export type MessageView = z.infer<typeof MessageView>;

/** The conversations projection's row: its output type, and the API's Conversation schema. */
export const ConversationView = z.object({
  contact_id: EntityId,
  /** In (sent_at, message id) order. */
  messages: z.array(MessageView),
  inbound_count: z.number().int(),
  outbound_count: z.number().int(),
  last_message_at: Timestamp,
  /** The latest message is inbound. */
  awaiting_reply: z.boolean(),
});
export type ConversationView = z.infer<typeof ConversationView>;
