import type Database from 'better-sqlite3';
import type { ErasureMarks, EventToAppend, JsonObject } from './event-store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS erased_streams (stream TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (stream, subject)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS erased_streams_subject ON erased_streams (subject);`;

type StoredForm = { readonly data: unknown; readonly metadata: JsonObject };

/** The embedded store's erasure marks: a table beside the events, read and written inside the append's transaction. */
export type SqliteErasureMarks = {
  /** What to store of a fresh event; marks its stream when it is stored redacted. Runs inside the append's transaction. */
  readonly storedForm: (stream: string, event: EventToAppend) => StoredForm;
  /** Call once per transaction before storedForm: an empty table (the usual case) costs one query per commit. */
  readonly beginCommit: () => void;
  readonly mark: (subject: string, streams: readonly string[]) => void;
  readonly lift: (subject: string) => void;
  readonly all: () => ErasureMarks;
};

export const sqliteErasureMarks = (db: Database.Database): SqliteErasureMarks => {
  db.exec(SCHEMA);
  const statements = {
    any: db.prepare<[], { found: number }>('SELECT EXISTS (SELECT 1 FROM erased_streams) AS found'),
    subjectOf: db.prepare<[string], { subject: string }>('SELECT subject FROM erased_streams WHERE stream = ? LIMIT 1'),
    insert: db.prepare<[string, string]>('INSERT OR IGNORE INTO erased_streams (stream, subject) VALUES (?, ?)'),
    lift: db.prepare<[string]>('DELETE FROM erased_streams WHERE subject = ?'),
    all: db.prepare<[], { subject: string; stream: string }>('SELECT subject, stream FROM erased_streams ORDER BY subject, stream'),
  };
  let anyMarked = false;
  const subjectOf = (about: readonly string[]): string | undefined => {
    for (const candidate of about) {
      const found = statements.subjectOf.get(candidate);
      if (found !== undefined) return found.subject;
    }
    return undefined;
  };
  return {
    beginCommit: () => {
      anyMarked = statements.any.get()?.found === 1;
    },
    storedForm: (stream, event) => {
      if (!anyMarked || event.personal === undefined) return event;
      const about = event.personal.about();
      const subject = subjectOf(about);
      if (subject === undefined) return event;
      if (about.includes(stream)) statements.insert.run(stream, subject);
      return event.personal.redacted();
    },
    mark: (subject, streams) =>
      db.transaction(() => {
        for (const stream of streams) statements.insert.run(stream, subject);
      }).immediate(),
    lift: (subject) => void statements.lift.run(subject),
    all: () => {
      const marks: Record<string, string[]> = {};
      for (const { subject, stream } of statements.all.all()) (marks[subject] ??= []).push(stream);
      return marks;
    },
  };
};
