import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { QuarantineList, Retry, RetryAll } from '../api-types';
import { deliveryName } from '../delivery-name';

type Item = QuarantineList['items'][number];

/** What a retry did, brought into view: on a phone the button is far below where the banner appears. */
const RetryBanner = ({ children }: { children: ComponentChildren }) => {
  const banner = useRef<HTMLDivElement>(null);
  useEffect(() => banner.current?.scrollIntoView({ block: 'nearest' }), []);
  return (
    <div ref={banner} class="banner notice" role="status" data-testid="retry-outcomes">
      {children}
    </div>
  );
};

/** A retry of all: its progress while it runs, then what came of it. */
export const JobProgress = ({ job }: { job: RetryAll }) => (
  <RetryBanner>
    <strong>{job.state === 'running' ? `Retrying all: ${job.retried} of ${job.total}…` : `Retry of all ${job.state}: ${job.retried} retried.`}</strong>
    <ul>
      {Object.entries(job.outcomes)
        .filter(([, count]) => count > 0)
        .map(([status, count]) => (
          <li key={status}>
            {status.replace('_', ' ')}: {count}
          </li>
        ))}
    </ul>
    {job.error !== null && <p>{job.error}</p>}
  </RetryBanner>
);

/** What the retries did, each named as its delivery (found among those on the page). */
export const Outcomes = ({ outcomes, items }: { outcomes: readonly Retry[]; items: readonly Item[] }) => (
  <RetryBanner>
    <strong>Retry done:</strong>
    <ul>
      {outcomes.map((o) => (
        <li key={o.quarantine_event_id}>
          delivery{' '}
          {deliveryName(
            items.find((item) => item.event_id === o.quarantine_event_id) ?? { delivery_id: null, event: o.event ?? null, revision: o.quarantine_revision },
          )}
          : {o.status.replace('_', ' ')}
          {o.stream !== undefined && ` → ${o.stream}`}
          {o.reason !== undefined && ` (${o.reason})`}
        </li>
      ))}
    </ul>
  </RetryBanner>
);

