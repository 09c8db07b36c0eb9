import { START, type RecordedEvent, type SubscribeOptions, type Subscription } from './event-store.js';
import type { SqliteCommits } from './sqlite-commits.js';
import { toRecorded, type SqliteReads } from './sqlite-reads.js';
import { subscriptionOf } from './subscription-of.js';

export type SqliteLog = {
  readonly page: SqliteReads['page'];
  readonly pageSize: number;
  readonly commits: SqliteCommits;
  readonly closed: () => boolean;
};

/** The embedded log from a position, a page at a time; at its end, it waits for the next commit, until the store closes. */
export const sqliteSubscription = ({ page, pageSize, commits, closed }: SqliteLog, options: SubscribeOptions): Subscription => {
  let active = true;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const iterate = async function* (): AsyncGenerator<RecordedEvent> {
    let after = options.fromPosition ?? START;
    while (active && !closed()) {
      const toldBeforeRead = commits.told();
      const rows = page(after, options.filter, pageSize);
      for (const row of rows) {
        if (!active) return;
        after = row.position;
        yield toRecorded(row);
      }
      if (rows.length < pageSize && commits.told() === toldBeforeRead) await commits.next(stopped);
    }
  };
  return subscriptionOf(iterate(), () => {
    active = false;
    stop();
  });
};
