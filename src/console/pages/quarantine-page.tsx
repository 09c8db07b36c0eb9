import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, getJson, postJson, withQuery, type ApiFailure } from '../api';
import type { QuarantineBodyView, QuarantineList, Retry, RetryAll } from '../api-types';
import { deliveryName } from '../delivery-name';
import { JobProgress, Outcomes } from '../components/retry-outcomes';
import { ConfirmDialog } from '../components/confirm-dialog';
import { HeaderRow } from '../components/data-table';
import { Badge, Empty, FailureBanner, Show } from '../components/status';
import { Time } from '../components/time';
import { Value } from '../components/value';
import { useApi } from '../use-api';
import { useTitle } from '../use-title';

type Item = QuarantineList['items'][number];
type Pending = { readonly question: string; readonly action: string; readonly eventId?: string };

const STATUS_TEXT: Record<Item['status'], string> = { still_invalid: 'still invalid', passes_now: 'passes now', retried: 'retried' };

/** Why it was kept: the reason, and only those issues it does not already say (it usually joins them all). */
const Reason = ({ item }: { item: Item }) => {
  const unsaid = item.issues.filter((issue) => !item.reason.includes(`${issue.path}: ${issue.message}`));
  return (
    <>
      <Value value={item.reason} />
      {unsaid.length > 0 && (
        <ul class="issues">
          {unsaid.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <span class="mono">
                <Value value={issue.path || '/'} />
              </span>
              : {issue.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
};

const Body = ({ revision }: { revision: number }) => {
  const body = useApi(`body/${revision}`, () => getJson<QuarantineBodyView>(`/quarantine/${revision}/body`));
  return (
    <Show loaded={body}>
      {(b) => (
        <div class="body">
          <p class="muted">{b.encoding === 'utf8' ? 'As received (text):' : 'Not valid UTF-8; the bytes in base64:'}</p>
          <pre data-testid="quarantine-body">{b.body}</pre>
        </div>
      )}
    </Show>
  );
};

const Row = ({ item, onRetry }: { item: Item; onRetry: (item: Item) => void }) => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-testid="quarantine-item">
        <th scope="row" class="mono" data-label="Delivery">
          {item.delivery_id === null ? <span class="muted">no delivery id (#{item.revision})</span> : <Value value={item.delivery_id} />}
        </th>
        <td data-label="Arrived">
          <Time value={item.received_at} />
        </td>
        <td data-label="Event">{item.event === null ? <span class="muted">unknown</span> : <Value value={item.event} clip />}</td>
        <td data-label="Reason">
          <Reason item={item} />
        </td>
        <td data-label="Now">
          <Badge kind={item.status}>{STATUS_TEXT[item.status]}</Badge>
          {item.stored_as !== null && <div class="mono small">{item.stored_as.stream}</div>}
        </td>
        <td class="actions" data-label="Actions">
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide body' : 'View body'} ({item.body_bytes} bytes)
          </button>
          <button type="button" onClick={() => onRetry(item)}>
            Retry<span class="visually-hidden"> delivery {deliveryName(item)}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <Body revision={item.revision} />
          </td>
        </tr>
      )}
    </>
  );
};

/** How often a running retry-all job is asked for its progress. */
const JOB_POLL_MS = 500;

/** Retries of kept deliveries, one or all, and what came of them; `done` is told after each. */
const useRetries = (done: () => void) => {
  const [outcomes, setOutcomes] = useState<readonly Retry[] | undefined>(undefined);
  const [job, setJob] = useState<RetryAll | undefined>(undefined);
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const failed = (error: unknown) => setFailure(error instanceof ApiError ? error.failure : { kind: 'failed', status: 0, detail: String(error) });
  const retryOne = async (eventId: string) => {
    const result = await postJson<{ outcomes: Retry[] }>(withQuery('/quarantine/retry', { event_id: eventId }));
    setJob(undefined);
    setOutcomes(result.outcomes);
  };
  // Retry-all runs on the server as a background job (a 409 names the one already running); follow it to its end.
  const retryAll = async () => {
    const started = await postJson<RetryAll | { job: RetryAll }>('/quarantine/retry-all', [202, 409]);
    let current = 'job_id' in started ? started : started.job;
    setOutcomes(undefined);
    setJob(current);
    while (current.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
      current = await getJson<RetryAll>('/quarantine/retry-all');
      setJob(current);
    }
  };
  const retry = async (eventId: string | undefined) => {
    setFailure(undefined);
    try {
      await (eventId === undefined ? retryAll() : retryOne(eventId));
      done();
    } catch (error) {
      failed(error);
    }
  };
  return { outcomes, job, failure, retry };
};

const QuarantineTable = ({ items, onRetry }: { items: readonly Item[]; onRetry: (item: Item) => void }) => (
  <div class="table-wrap">
    <table>
      <HeaderRow headers={['Delivery', 'Arrived', 'Event', 'Reason', 'Now', 'Actions']} />
      <tbody>
        {items.map((item) => (
          <Row key={item.event_id} item={item} onRetry={onRetry} />
        ))}
      </tbody>
    </table>
  </div>
);

export const QuarantinePage = () => {
  const { query } = useLocation();
  const path = withQuery('/quarantine', { after_revision: query['after_revision'] });
  const list = useApi(path, () => getJson<QuarantineList>(path));
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const { outcomes, job, failure, retry } = useRetries(list.reload);
  useTitle('Quarantine');
  const confirmed = (eventId: string | undefined) => {
    setPending(undefined);
    void retry(eventId);
  };
  return (
    <main id="content">
      <h1>Quarantine</h1>
      <p class="muted">Deliveries intake kept because they could not be read, with why, and what a retry would do with today's validation.</p>
      {outcomes !== undefined && <Outcomes outcomes={outcomes} items={list.state === 'ready' ? list.data.items : []} />}
      {job !== undefined && <JobProgress job={job} />}
      {failure !== undefined && <FailureBanner failure={failure} />}
      <Show loaded={list}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>Quarantine is empty: every delivery so far could be read.</Empty>
          ) : (
            <>
              <div class="actions">
                <button
                  type="button"
                  onClick={() => setPending({ question: 'Retry every delivery in quarantine? Those that pass now are appended to the log, once.', action: 'Yes, retry all' })}
                >
                  Retry all deliveries
                </button>
              </div>
              <QuarantineTable
                items={page.items}
                onRetry={(it) =>
                  setPending({
                    question: `Retry delivery ${deliveryName(it)}? If it passes now it is appended to the log, once.`,
                    action: 'Yes, retry this delivery',
                    eventId: it.event_id,
                  })
                }
              />
              {page.next_after_revision !== null && (
                <a class="button" href={withQuery('/console/quarantine', { after_revision: String(page.next_after_revision) })}>
                  Next page
                </a>
              )}
            </>
          )
        }
      </Show>
      {pending !== undefined && (
        <ConfirmDialog question={pending.question} action={pending.action} onConfirm={() => confirmed(pending.eventId)} onCancel={() => setPending(undefined)} />
      )}
    </main>
  );
};
