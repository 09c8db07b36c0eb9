import type { DomainEvent, MessageEvent } from '../src/events/domain-event.js';
import { entityKey, type EntityId } from '../src/events/entity-id.js';
import type { Timestamp } from '../src/events/timestamp.js';
import {
  clockOf,
  compareNumbers,
  compareText,
  micros,
  registerOf,
  valuesOf,
  writeFields,
  type Registers,
} from './last-writer-wins.js';
import type { Projection } from './projection.js';
import { viewRow } from './view-row.js';

/**
 * A contact's messages by message id, each merged field by field (last writer wins), so a message seen twice is
 * one message. Keyed by contact id; it does not handle contact.deleted: a conversation outlives its contact.
 */
export type ConversationState = {
  /** The contact id as received, under `id`. */
  readonly contact: Registers;
  readonly messages: { readonly [messageKey: string]: Registers };
};

export type MessageView = {
  readonly id: EntityId;
  readonly direction: 'inbound' | 'outbound' | null;
  readonly channel: string | null;
  readonly content: string | null;
  readonly status: string | null;
  readonly sent_at: Timestamp;
  readonly [extra: string]: unknown;
};

export type ConversationView = {
  readonly contact_id: EntityId;
  /** In (sent_at, message id) order. */
  readonly messages: readonly MessageView[];
  readonly inbound_count: number;
  readonly outbound_count: number;
  readonly last_message_at: Timestamp;
  /** The latest message is inbound. */
  readonly awaiting_reply: boolean;
};

const MESSAGE_FIELDS = ['id', 'direction', 'channel', 'content', 'status', 'sent_at'];

/** The event name says the direction when the payload does not. */
const DIRECTION = { 'message.received': 'inbound', 'message.sent': 'outbound' } as const;

const isMessageEvent = (event: DomainEvent): event is MessageEvent => Object.hasOwn(DIRECTION, event.type);

/** Without its own sent_at, a message is dated by its event's business time (the envelope's), like any event. */
const evolve: ConversationsProjection['evolve'] = (state, projected) => {
  const { event } = projected;
  if (!isMessageEvent(event)) return state;
  const clock = clockOf(projected);
  const { message, contact } = event.data;
  const key = entityKey(message.id);
  const current = Object.hasOwn(state.messages, key) ? (state.messages[key] ?? {}) : {};
  const direction = message.direction ?? DIRECTION[event.type];
  const written = writeFields(current, { ...message, direction, sent_at: message.sent_at ?? event.occurred_at }, clock);
  const contactFields = writeFields(state.contact, { id: contact.id }, clock);
  if (written === current && contactFields === state.contact) return state;
  const messages = written === current ? state.messages : { ...state.messages, [key]: written };
  return { contact: contactFields, messages };
};

const view = ({ contact, messages }: ConversationState): ConversationView | null => {
  const contactId = registerOf(contact, 'id');
  const rows = Object.entries(messages)
    .map(([key, fields]) => ({ key, row: viewRow(MESSAGE_FIELDS, valuesOf(fields)) as MessageView }))
    .sort((a, b) => compareNumbers(micros(a.row.sent_at), micros(b.row.sent_at)) || compareText(a.key, b.key))
    .map(({ row }) => row);
  const last = rows.at(-1);
  if (contactId === undefined || last === undefined) return null;
  return {
    contact_id: contactId.value as EntityId,
    messages: rows,
    inbound_count: rows.filter((row) => row.direction === 'inbound').length,
    outbound_count: rows.filter((row) => row.direction === 'outbound').length,
    last_message_at: last.sent_at,
    awaiting_reply: last.direction === 'inbound',
  };
};

type ConversationsProjection = Projection<ConversationState, ConversationView>;

export const conversationsProjection: ConversationsProjection = {
  name: 'conversations',
  version: 2,
  handles: ['message.received', 'message.sent'],
  keysOf: (event) => (isMessageEvent(event) ? [entityKey(event.data.contact.id)] : []),
  initial: () => ({ contact: {}, messages: {} }),
  evolve,
  view,
};
