import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, Position, StreamRevision } from './event-store.js';
import { logIdentityOf } from './log-identity.js';

type IndexedPlace = { readonly revision: StreamRevision; readonly position: Position };

/** Which event ids each stream holds, kept beside the log so that deduplication need not read whole streams. */
export type IdIndex = {
  /** Every event of the log at or below this position is in the index (0 until the index is known good). */
  readonly watermark: () => Position;
  readonly lookup: (stream: string, ids: readonly string[]) => Map<string, IndexedPlace>;
  readonly close: () => Promise<void>;
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS event_ids (
    stream   TEXT NOT NULL,
    id       TEXT NOT NULL,
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (stream, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS indexed_log (
    only      INTEGER PRIMARY KEY CHECK (only = 1),
    identity  TEXT NOT NULL,
    watermark INTEGER NOT NULL
  );
`;

/** Index rows written per transaction while catching up. */
const FLUSH_EVERY = 1_000;

type IndexRow = [stream: string, id: string, revision: StreamRevision, position: Position];

/** The index's tables: ids per stream, and of which log they are, up to which position. */
const idIndexTables = (file: string) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The server and CLI commands may share the file; one waits for the other's transaction.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT OR IGNORE INTO event_ids (stream, id, revision, position) VALUES (?, ?, ?, ?)');
  const setWatermark = db.prepare('UPDATE indexed_log SET watermark = ? WHERE only = 1');
  const find = db.prepare<[string, string], IndexedPlace>('SELECT revision, position FROM event_ids WHERE stream = ? AND id = ?');
  const stored = () => db.prepare<[], { identity: string; watermark: number }>('SELECT identity, watermark FROM indexed_log').get();
  return {
    /** The watermark the file holds for this log; 0 once emptied when it holds another log, or is ahead of its head. */
    adopt: (identity: string, head: Position): Position => {
      const known = stored();
      if (known !== undefined && known.identity === identity && known.watermark <= head) return known.watermark;
      db.transaction(() => {
        db.exec('DELETE FROM event_ids; DELETE FROM indexed_log;');
        db.prepare('INSERT INTO indexed_log (only, identity, watermark) VALUES (1, ?, 0)').run(identity);
      })();
      return 0;
    },
    /** Rows and the watermark they bring the index to, in one transaction. */
    write: db.transaction((rows: readonly IndexRow[], watermark: Position) => {
      for (const row of rows) insert.run(...row);
      setWatermark.run(watermark);
    }),
    lookup: (stream: string, ids: readonly string[]): Map<string, IndexedPlace> => {
      const found = new Map<string, IndexedPlace>();
      for (const id of ids) {
        const place = find.get(stream, id.toLowerCase());
        if (place !== undefined) found.set(id.toLowerCase(), place);
      }
      return found;
    },
    close: () => db.close(),
  };
};

/**
 * Opens (or creates) the id index in `file` and keeps it up to date from the log itself: a catch-up subscription
 * from the index's watermark, rows and watermark written in one transaction. It is trusted only once it is known
 * to be of this log (same first event, watermark not beyond the head); until then, and while the store cannot be
 * reached to check, watermark() is 0 and appends fall back to reading the stream. The index only ever hastens a
 * decision the stream itself would give: an id it holds is checked against the stream before it is believed.
 */
export const openIdIndex = (file: string, store: EventStore, retryMs = 1_000): IdIndex => {
  const index = idIndexTables(file);
  let trusted: Position = 0;
  let closed = false;
  let stop: () => Promise<void> = async () => undefined;

  const follow = async (): Promise<void> => {
    while (!closed) {
      try {
        const identity = await logIdentityOf(store);
        const head = await store.headPosition();
        if (E.isLeft(identity) || identity.right === undefined || E.isLeft(head)) {
          await sleep(retryMs);
          continue;
        }
        trusted = index.adopt(identity.right, head.right);
        const subscription = store.subscribe({ fromPosition: trusted });
        stop = () => subscription.close();
        let pending: IndexRow[] = [];
        for await (const event of subscription) {
          pending.push([event.stream, event.id.toLowerCase(), event.revision, event.position]);
          // Live, events come one by one: write them at once; catching up, in batches.
          if (pending.length >= FLUSH_EVERY || event.position >= head.right) {
            index.write(pending, event.position);
            trusted = event.position;
            pending = [];
          }
        }
        return;
      } catch {
        // Anything the subscription throws (the store is gone, or closing): start again from the watermark.
        if (closed) return;
        await sleep(retryMs);
      }
    }
  };
  const following = follow();

  return {
    watermark: () => trusted,
    lookup: index.lookup,
    close: async () => {
      closed = true;
      await stop();
      await following;
      index.close();
    },
  };
};
