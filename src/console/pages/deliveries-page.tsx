import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError, getJson, postJson, withQuery, type ApiFailure } from '../api';
import type { Delivery, HistoryEvent, Page, Retry } from '../api-types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Crumbs } from '../components/crumbs';
import { DeliveryTable, EntityLink, OutcomeBadge } from '../components/delivery-table';
import { Pager, SelectFilter, TextFilter, TimeRangeFilter } from '../components/filter-form';
import { FailureBanner, Show } from '../components/status';
import { Time } from '../components/time';
import { Value } from '../components/value';
import { fromLocalInput } from '../local-time-input';
import { useApi } from '../use-api';
import { useTitle } from '../use-title';

const OUTCOMES = [
  ['appended', 'appended'],
  ['unrecognized', 'unrecognized'],
  ['quarantined', 'quarantined'],
] as const;

const FILTERS = ['q', 'event', 'outcome', 'entity', 'from', 'to'] as const;

const nameOf = (delivery: Delivery): string => `${delivery.delivery_id ?? delivery.event_id} (${delivery.event ?? 'not an envelope'})`;

/** A kept delivery retried through quarantine's retry, after a confirmation; what came of it, or why it failed. */
const useRetry = (done: () => void) => {
  const [pending, setPending] = useState<Delivery | undefined>(undefined);
  const [outcome, setOutcome] = useState<{ readonly name: string; readonly retry: Retry } | undefined>(undefined);
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const confirm = async (delivery: Delivery) => {
    setPending(undefined);
    setFailure(undefined);
    try {
      const result = await postJson<{ outcomes: Retry[] }>(withQuery('/quarantine/retry', { event_id: delivery.event_id }));
      const [retry] = result.outcomes;
      if (retry !== undefined) setOutcome({ name: nameOf(delivery), retry });
      done();
    } catch (error) {
      setFailure(error instanceof ApiError ? error.failure : { kind: 'failed', status: 0, detail: String(error) });
    }
  };
  const banners = (
    <>
      {outcome !== undefined && (
        <div class="banner notice" role="status" data-testid="retry-outcomes">
          Retry of delivery {outcome.name}: {outcome.retry.status.replace('_', ' ')}
          {outcome.retry.stream !== undefined && ` → ${outcome.retry.stream}`}
          {outcome.retry.reason !== undefined && ` (${outcome.retry.reason})`}
        </div>
      )}
      {failure !== undefined && <FailureBanner failure={failure} />}
      {pending !== undefined && (
        <ConfirmDialog
          question={`Retry delivery ${nameOf(pending)}? If it passes now it is appended to the log, once.`}
          action="Yes, retry this delivery"
          onConfirm={() => void confirm(pending)}
          onCancel={() => setPending(undefined)}
        />
      )}
    </>
  );
  return { ask: setPending, banners };
};

export const DeliveriesPage = () => {
  const { query, route, url } = useLocation();
  const path = withQuery('/deliveries', { ...Object.fromEntries(FILTERS.map((name) => [name, query[name]])), cursor: query['cursor'] });
  const deliveries = useApi(path, () => getJson<Page<Delivery>>(path));
  const { cursor: _cursor, ...filters } = query;
  const retry = useRetry(deliveries.reload);
  useTitle(query['q'] === undefined ? 'Deliveries' : `Deliveries: ${query['q']}`);
  // The time inputs are in the browser's zone; the URL and the API take instants.
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    route(
      withQuery('/console/deliveries', {
        q: text('q'),
        event: text('event'),
        outcome: text('outcome'),
        entity: text('entity'),
        from: fromLocalInput(text('from')),
        to: fromLocalInput(text('to')),
      }),
    );
  };
  return (
    <main id="content">
      <h1>Deliveries</h1>
      <p class="muted">What the log holds and what intake kept aside, newest first. Search by event id or by the delivery id of any attempt.</p>
      <form key={url} class="filters" role="search" aria-label="Deliveries" onSubmit={submit}>
        <label class="search">
          Search deliveries
          <input name="q" type="search" defaultValue={query['q'] ?? ''} placeholder="event id or delivery id" />
        </label>
        <TextFilter name="event" label="Event" value={query['event']} />
        <SelectFilter name="outcome" label="Outcome" value={query['outcome']} options={OUTCOMES} />
        <TextFilter name="entity" label="Entity (contact-42)" value={query['entity']} />
        <TimeRangeFilter label="Received" from={query['from']} to={query['to']} />
        <button type="submit">Show deliveries</button>
      </form>
      {retry.banners}
      <Show loaded={deliveries}>
        {(page) => (
          <>
            <DeliveryTable deliveries={page.items} onRetry={retry.ask} />
            <Pager path="/console/deliveries" query={filters} page={page} />
          </>
        )}
      </Show>
    </main>
  );
};

const RawEvent = ({ id }: { id: string }) => {
  const event = useApi(`delivery-event/${id}`, () => getJson<HistoryEvent>(`/deliveries/${encodeURIComponent(id)}/event`));
  return (
    <Show loaded={event}>
      {(e) => (
        <div data-testid="raw-event">
          <p class="muted">
            <strong>{e.type}</strong> in <span class="mono">{e.stream}</span> #{e.revision} · position {e.position} · recorded <Time value={e.recorded_at} />
          </p>
          <h3>data</h3>
          <pre>{JSON.stringify(e.data, null, 2)}</pre>
          <h3>metadata</h3>
          <pre>{JSON.stringify(e.metadata, null, 2)}</pre>
        </div>
      )}
    </Show>
  );
};

const Field = ({ label, children }: { label: string; children: ComponentChildren }) => (
  <div>
    <dt>{label}</dt>
    <dd>{children}</dd>
  </div>
);

/** One delivery: its attempts, where it went, why it was kept aside, and its raw event. */
export const DeliveryPage = () => {
  const { params } = useRoute();
  const id = params['id'] ?? '';
  const delivery = useApi(`delivery/${id}`, () => getJson<Delivery>(`/deliveries/${encodeURIComponent(id)}`));
  const retry = useRetry(delivery.reload);
  useTitle(delivery.state === 'ready' ? `Delivery ${delivery.data.delivery_id ?? id}` : `Delivery ${id}`);
  return (
    <main id="content">
      <Crumbs list="Deliveries" href="/console/deliveries" id={id} />
      {retry.banners}
      <Show loaded={delivery}>
        {(d) => (
          <>
            <h1>
              Delivery <Value value={d.delivery_id ?? d.event_id} clip />
            </h1>
            <dl class="fields">
              <Field label="Event">{d.event === null ? <span class="muted">not an envelope</span> : <Value value={d.event} />}</Field>
              <Field label="Outcome">
                <OutcomeBadge outcome={d.outcome} /> {d.reason !== null && <Value value={d.reason} />}
              </Field>
              <Field label="Entity">
                <EntityLink entity={d.entity} />
              </Field>
              <Field label="Event id">
                <span class="mono">{d.event_id}</span>
              </Field>
              <Field label="Attempts">
                <ol class="attempts">
                  {[{ delivery_id: d.delivery_id, received_at: d.received_at }, ...d.attempts].map((a, index) => (
                    <li key={a.delivery_id ?? index}>
                      <span class="mono">{a.delivery_id === null ? 'no delivery id' : <Value value={a.delivery_id} />}</span>, received <Time value={a.received_at} />
                      {index > 0 && ' (a retry: duplicate)'}
                    </li>
                  ))}
                </ol>
              </Field>
            </dl>
            {d.outcome === 'quarantined' && (
              <div class="actions">
                <button type="button" onClick={() => retry.ask(d)}>
                  Retry this delivery
                </button>
                <a href="/console/quarantine">Quarantine</a>
              </div>
            )}
            <section aria-labelledby="raw-event-heading">
              <h2 id="raw-event-heading">Raw event</h2>
              <RawEvent id={d.event_id} />
            </section>
          </>
        )}
      </Show>
    </main>
  );
};
