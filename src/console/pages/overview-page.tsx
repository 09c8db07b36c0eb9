import { getJson } from '../api';
import type { OverviewView } from '../api-types';
import { DataTable, type Columns } from '../components/data-table';
import { Show } from '../components/status';
import { Time } from '../components/time';
import { useApi } from '../use-api';
import { useTitle } from '../use-title';

const POLL_MS = 2000;

const seconds = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());

const PROJECTION_COLUMNS: Columns<OverviewView['projections'][number]> = [
  { header: 'Projection', cell: (p) => p.name },
  { header: 'Version', cell: (p) => p.version },
  { header: 'Checkpoint', cell: (p) => p.position, class: 'num' },
  { header: 'Lag (events)', cell: (p) => (p.lag_events_exact ? p.lag_events : `≥ ${p.lag_events}`), class: 'num', testId: 'lag-events' },
  { header: 'Lag (seconds)', cell: (p) => seconds(p.lag_seconds), class: 'num', testId: 'lag-seconds' },
];

const OUTCOME_COLUMNS: Columns<[outcome: string, deliveries: number]> = [
  { header: 'Outcome', cell: ([outcome]) => outcome },
  { header: 'Deliveries', cell: ([, deliveries]) => deliveries, class: 'num' },
];

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Events appended per hour as bars; each bar's count is its tooltip and the chart's text alternative lists them. */
const AppendsChart = ({ hours }: { hours: OverviewView['appended_per_hour'] }) => {
  const max = Math.max(1, ...hours.map((h) => h.events));
  const width = 24 * 20;
  const total = hours.reduce((sum, h) => sum + h.events, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} 100`} preserveAspectRatio="none" role="img" aria-label={`Events appended per hour over the last 24 hours: ${total} in all`}>
        {hours.map((h, index) => {
          const height = Math.round((h.events / max) * 96);
          return (
            <rect key={h.hour} class="bar" x={index * 20 + 2} y={100 - height} width={16} height={Math.max(height, h.events > 0 ? 1 : 0)}>
              <title>{`${hourLabel.format(Date.parse(h.hour))}: ${h.events} events`}</title>
            </rect>
          );
        })}
      </svg>
      <div class="ticks" aria-hidden="true">
        <span>{hours[0] === undefined ? '' : hourLabel.format(Date.parse(hours[0].hour))}</span>
        <span>now</span>
      </div>
      <figcaption>
        Events appended per hour, last 24 hours: <strong data-testid="appended-24h">{total}</strong> in all, at most {max === 1 && total === 0 ? 0 : max} in an hour.
      </figcaption>
    </figure>
  );
};

/** The log's head, the quarantine's size and the rebuild that runs, each on a card. */
const Cards = ({ overview }: { overview: OverviewView }) => (
  <div class="cards">
    <div class="card">
      <div class="card-label">Log head</div>
      <div class="card-value" data-testid="head-position">{overview.head_position}</div>
      <div class="muted">
        {overview.store}, this node{' '}
        <span data-testid="node-role" title={overview.role === 'writer' ? 'this node applies the log to the read model' : 'another node applies the log; this one follows its commits'}>
          {overview.role === 'writer' ? 'the writer' : 'standing by'}
        </span>
      </div>
    </div>
    <div class="card">
      <div class="card-label">Quarantine</div>
      <div class="card-value" data-testid="quarantine-size">{overview.quarantine_size}</div>
      <a href="/console/quarantine">Open quarantine</a>
    </div>
    <div class="card">
      <div class="card-label">Rebuild</div>
      {overview.rebuild.running ? (
        <>
          <div class="card-value">running</div>
          <label>
            {overview.rebuild.projections.join(', ')}: {overview.rebuild.events} {overview.rebuild.total === null ? '' : `of ${overview.rebuild.total} `}events
            {overview.rebuild.total === null ? <progress /> : <progress max={Math.max(overview.rebuild.total, 1)} value={overview.rebuild.events} />}
          </label>
        </>
      ) : (
        <div class="card-value">none running</div>
      )}
    </div>
  </div>
);

export const OverviewPage = () => {
  const overview = useApi('overview', () => getJson<OverviewView>('/overview'), POLL_MS);
  useTitle('Overview');
  return (
    <main id="content">
      <h1>Overview</h1>
      <p class="muted">Updates every {POLL_MS / 1000} seconds.</p>
      <Show loaded={overview}>
        {(o) => (
          <>
            <Cards overview={o} />
            <section>
              <h2>Projections</h2>
              <DataTable rows={o.projections} columns={PROJECTION_COLUMNS} rowKey={(p) => p.name} rowTestId={(p) => `projection-${p.name}`} />
            </section>
            <section>
              <h2>Appended per hour</h2>
              <AppendsChart hours={o.appended_per_hour} />
            </section>
            <section>
              <h2>Deliveries by outcome</h2>
              <p class="muted">
                Since this server started (<Time value={o.deliveries.since} />).
              </p>
              <DataTable
                rows={Object.entries(o.deliveries.by_outcome)}
                columns={OUTCOME_COLUMNS}
                rowKey={([outcome]) => outcome}
                rowTestId={([outcome]) => `outcome-${outcome}`}
                class="compact"
              />
            </section>
          </>
        )}
      </Show>
    </main>
  );
};
