import type { Conversation } from '../api-types';
import { Badge, Empty } from './status';
import { Time } from './time';
import { Value } from './value';

/** Messages in order, inbound on the left and outbound on the right. */
export const ConversationView = ({ conversation }: { conversation: Conversation }) => (
  <>
    <p>
      {conversation.inbound_count} inbound, {conversation.outbound_count} outbound, last <Time value={conversation.last_message_at} />
      {conversation.awaiting_reply && (
        <>
          {' '}
          <Badge kind="awaiting">awaiting reply</Badge>
        </>
      )}
    </p>
    {conversation.messages.length === 0 ? (
      <Empty>No messages.</Empty>
    ) : (
      <ol class="messages">
        {conversation.messages.map((message) => (
          <li key={message.id} class={`message ${message.direction ?? 'unknown'}`}>
            <div class="message-meta">
              <Value value={message.direction ?? 'direction unknown'} /> · <Value value={message.channel ?? 'channel unknown'} /> ·{' '}
              <Time value={message.sent_at} />
              {message.status !== null && (
                <>
                  {' '}
                  · <Value value={message.status} />
                </>
              )}
            </div>
            <div class="message-content">
              <Value value={message.content} />
            </div>
          </li>
        ))}
      </ol>
    )}
  </>
);
