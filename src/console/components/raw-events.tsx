import { useState } from 'preact/hooks';
import { getJson, withQuery } from '../api';
import type { History, HistoryEvent } from '../api-types';
import { useApi } from '../use-api';
import { Empty, Show } from './status';
import { Time } from './time';

const PAGE = 100;

/** Its data and metadata are rendered once opened: a long stream stays quick to show. */
const RawEvent = ({ event }: { event: HistoryEvent }) => {
  const [open, setOpen] = useState(false);
  return (
    <details class="raw-event" onToggle={(toggled) => setOpen((toggled.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <span class="mono">#{event.revision}</span> <strong>{event.type}</strong> · position {event.position} · recorded <Time value={event.recorded_at} />
      </summary>
      {open && (
        <>
          <h4>data</h4>
          <pre>{JSON.stringify(event.data, null, 2)}</pre>
          <h4>metadata</h4>
          <pre>{JSON.stringify(event.metadata, null, 2)}</pre>
        </>
      )}
    </details>
  );
};

/** The stream's events exactly as stored, a page at a time, each expandable to its data and metadata. */
export const RawEvents = ({ kind, id }: { kind: 'contacts' | 'bookings' | 'tickets'; id: string }) => {
  const [more, setMore] = useState<HistoryEvent[]>([]);
  const [next, setNext] = useState<number | null | undefined>(undefined);
  const first = useApi(`${kind}/${id}`, () => getJson<History>(withQuery(`/${kind}/${encodeURIComponent(id)}/history`, { limit: String(PAGE) })));
  const loadMore = async (from: number) => {
    const page = await getJson<History>(withQuery(`/${kind}/${encodeURIComponent(id)}/history`, { from_revision: String(from), limit: String(PAGE) }));
    setMore((events) => [...events, ...page.events]);
    setNext(page.next_from_revision);
  };
  return (
    <Show loaded={first}>
      {(history) => {
        const events = [...history.events, ...more];
        const nextFrom = next === undefined ? history.next_from_revision : next;
        return (
          <>
            <p class="muted">
              Stream <span class="mono">{history.stream}</span>: {events.length} event{events.length === 1 ? '' : 's'} shown.
            </p>
            {events.length === 0 ? <Empty>No events.</Empty> : events.map((event) => <RawEvent key={event.id} event={event} />)}
            {nextFrom !== null && (
              <button type="button" onClick={() => void loadMore(nextFrom)}>
                Load more raw events
              </button>
            )}
          </>
        );
      }}
    </Show>
  );
};
