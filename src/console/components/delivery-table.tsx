import type { Delivery } from '../api-types';
import { entityHref } from '../entity-href';
import { DataTable } from './data-table';
import { Badge } from './status';
import { Time } from './time';
import { Value } from './value';

const KINDS = { contact: 'contacts', booking: 'bookings', ticket: 'tickets' } as const;

/** The entity a delivery is about (`contact-42`), linked to its page. */
export const EntityLink = ({ entity }: { entity: string | null }) => {
  const [kind = '', ...id] = entity?.split('-') ?? [];
  if (entity === null || !Object.hasOwn(KINDS, kind)) return <span class="muted">—</span>;
  return (
    <a href={entityHref(KINDS[kind as keyof typeof KINDS], id.join('-'))}>
      <Value value={`${kind} ${id.join('-')}`} clip />
    </a>
  );
};

/** Where one delivery is shown whole, its raw event with it. */
export const deliveryHref = (delivery: Delivery): string => `/console/deliveries/${encodeURIComponent(delivery.event_id)}`;

/** Kept aside (unrecognized, quarantined) stands out from stored. */
export const OutcomeBadge = ({ outcome }: { outcome: Delivery['outcome'] }) => <Badge kind={`outcome-${outcome}`}>{outcome}</Badge>;

/** Deliveries, newest first: each named by its first attempt's delivery id, linked to its raw event and its entity. */
export const DeliveryTable = ({ deliveries, onRetry }: { deliveries: readonly Delivery[]; onRetry: (delivery: Delivery) => void }) => (
  <DataTable
    rows={deliveries}
    rowKey={(d) => d.event_id}
    rowTestId={() => 'delivery'}
    empty="No deliveries match."
    columns={[
      {
        header: 'Delivery',
        cell: (d) => (
          <a href={deliveryHref(d)} class="mono">
            <Value value={d.delivery_id ?? d.event_id} clip />
          </a>
        ),
      },
      { header: 'Received', cell: (d) => <Time value={d.received_at} /> },
      { header: 'Event', cell: (d) => (d.event === null ? <span class="muted">not an envelope</span> : <Value value={d.event} clip />) },
      { header: 'Outcome', cell: (d) => <OutcomeBadge outcome={d.outcome} /> },
      { header: 'Entity', cell: (d) => <EntityLink entity={d.entity} /> },
      { header: 'Attempts', class: 'num', testId: 'attempts', cell: (d) => String(1 + d.attempts.length) },
      {
        header: 'Actions',
        class: 'actions',
        cell: (d) => (
          <>
            <a href={deliveryHref(d)}>
              Raw event<span class="visually-hidden"> of {d.delivery_id ?? d.event_id}</span>
            </a>
            {d.outcome === 'quarantined' && (
              <button type="button" onClick={() => onRetry(d)}>
                Retry<span class="visually-hidden"> delivery {d.delivery_id ?? d.event_id}</span>
              </button>
            )}
          </>
        ),
      },
    ]}
  />
);
