import { entityKey, type EntityId } from '../src/events/entity-id.js';
import type { Message } from '../src/events/message.js';
import { eraseWrites, type BusinessProjection } from './erasure.js';
import { withErasure } from './fold.js';
import { clockOf, compareNumbers, compareText, micros, valuesOf, writeFields, type Clock, type FieldWrites } from './last-writer-wins.js';
import type { ConversationView, MessageView } from './conversation-view.js';
import { isRecord } from './is-record.js';
import { extraFields } from './view-row.js';

/**
 * A contact's messages by message id, each merged field by field (last writer wins), so a message seen twice is
 * one message. Keyed by contact id; it does not handle contact.deleted: a conversation outlives its contact.
 */
export type ConversationState = {
  /** The contact id as received, under `id`. */
  readonly contact: FieldWrites<{ readonly id: EntityId }>;
  readonly messages: { readonly [messageKey: string]: FieldWrites<Message> };
};

/** The event name says the direction when the payload does not. */
const DIRECTION = { 'message.received': 'inbound', 'message.sent': 'outbound' } as const;

/** Without its own sent_at, a message is dated by its event's business time (the envelope's), like any event. */
const evolve: Conversations['evolve'] = (state, projected) => {
  const { event } = projected;
  const clock = clockOf(projected);
  const { message, contact } = event.data;
  const key = entityKey(message.id);
  const current = Object.hasOwn(state.messages, key) ? (state.messages[key] ?? []) : [];
  const direction = message.direction ?? DIRECTION[event.type];
  const written = writeFields(current, message, clock, { implied: { direction, sent_at: message.sent_at ?? event.occurred_at } });
  const contactFields = writeFields(state.contact, { id: contact.id }, clock);
  if (written === current && contactFields === state.contact) return state;
  const messages = written === current ? state.messages : { ...state.messages, [key]: written };
  return { ...state, contact: contactFields, messages };
};

/** What a message says is its contact's personal data (its content and unknown fields), not that it was sent. */
const erase = (state: ConversationState, until: Clock): ConversationState => {
  let messages = state.messages;
  for (const [key, fields] of Object.entries(state.messages)) {
    const erased = eraseWrites(fields, 'message', until);
    if (erased !== fields) messages = { ...messages, [key]: erased };
  }
  return messages === state.messages ? state : { ...state, messages };
};

/** A message's row; evolve always writes its id and time, without which it would have none. */
const messageRow = (fields: FieldWrites<Message>): MessageView | undefined => {
  const values = valuesOf(fields);
  if (values.id === undefined || values.sent_at == null) return undefined;
  const documented = {
    id: values.id,
    direction: values.direction ?? null,
    channel: values.channel ?? null,
    content: values.content ?? null,
    status: values.status ?? null,
    sent_at: values.sent_at,
  };
  return { ...documented, ...extraFields(documented, values) };
};

const view = ({ contact, messages }: ConversationState): ConversationView | null => {
  const contactId = valuesOf(contact).id;
  const rows = Object.entries(messages)
    .flatMap(([key, fields]) => {
      const row = messageRow(fields);
      return row === undefined ? [] : [{ key, row }];
    })
    .sort((a, b) => compareNumbers(micros(a.row.sent_at), micros(b.row.sent_at)) || compareText(a.key, b.key))
    .map(({ row }) => row);
  const last = rows.at(-1);
  if (contactId === undefined || last === undefined) return null;
  return {
    contact_id: contactId,
    messages: rows,
    inbound_count: rows.filter((row) => row.direction === 'inbound').length,
    outbound_count: rows.filter((row) => row.direction === 'outbound').length,
    last_message_at: last.sent_at,
    awaiting_reply: last.direction === 'inbound',
  };
};

type Conversations = BusinessProjection<'message.received' | 'message.sent', ConversationState, ConversationView>;

const conversations: Conversations = {
  name: 'conversations',
  version: 5,
  handles: ['message.received', 'message.sent'],
  keysOf: ({ event }) => [entityKey(event.data.contact.id)],
  initial: () => ({ contact: [], messages: {} }),
  evolve,
  view,
  isState: (stored): stored is ConversationState => isRecord(stored) && isRecord(stored['messages']) && Array.isArray(stored['contact']),
};

export const conversationsProjection = withErasure(conversations, { keysOf: (forget) => [entityKey(forget.contact.id)], erase });
