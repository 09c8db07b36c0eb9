import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from './event-store-error.js';
import type { AppendResult, ErasureMarks, EventToAppend, RecordedEvent } from './event-store.js';

/** Where a store without transactions across streams (EventStoreDB) keeps its erasure marks: in the log itself. */
export const ERASURE_MARKS_STREAM = 'erasure-marks';
const MARKED = 'erasure.marked';
const LIFTED = 'erasure.lifted-marks';

type MarkData = { readonly subject: string; readonly streams?: readonly string[] };

const isMark = (data: unknown): data is MarkData =>
  typeof data === 'object' && data !== null && typeof (data as { subject?: unknown }).subject === 'string';

type LogAccess = {
  readonly readFrom: (revision: number) => Promise<E.Either<EventStoreError, readonly RecordedEvent[]>>;
  readonly append: (events: readonly EventToAppend[]) => Promise<E.Either<EventStoreError, AppendResult>>;
  /** The longest an append may take (its deadline): an append that read the marks before a mark ends within it. */
  readonly appendDeadlineMs: number;
};

export type ErasureMarksStream = {
  /** The events as they must be stored, read against the marks as they are now; the redacted ones' streams are marked. */
  readonly storedForms: (stream: string, events: readonly EventToAppend[]) => Promise<E.Either<EventStoreError, readonly EventToAppend[]>>;
  readonly mark: (subject: string, streams: readonly string[]) => Promise<E.Either<EventStoreError, void>>;
  readonly lift: (subject: string) => Promise<E.Either<EventStoreError, void>>;
  readonly all: () => Promise<E.Either<EventStoreError, ErasureMarks>>;
};

/**
 * Erasure marks as events of one stream, read again (from where this process last read) before every append that
 * carries personal data. Without a transaction across streams, an append on any node that read the marks just
 * before a forget wrote one can still store its event as received, until its deadline. So marking resolves only
 * once that deadline has passed: the forget's scan, which follows, then finds every such event and redacts it.
 */
export const erasureMarksStream = (log: LogAccess): ErasureMarksStream => {
  const subjects = new Map<string, Set<string>>();
  let next = 0;

  const refresh = async (): Promise<E.Either<EventStoreError, void>> => {
    const read = await log.readFrom(next);
    if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right(undefined) : read;
    for (const recorded of read.right) {
      next = recorded.revision + 1;
      if (!isMark(recorded.data)) continue;
      if (recorded.type === LIFTED) subjects.delete(recorded.data.subject);
      else {
        const streams = subjects.get(recorded.data.subject) ?? new Set();
        for (const stream of recorded.data.streams ?? []) streams.add(stream);
        subjects.set(recorded.data.subject, streams);
      }
    }
    return E.right(undefined);
  };
  const subjectOf = (streams: readonly string[]): string | undefined => {
    for (const [subject, marked] of subjects) if (streams.some((stream) => marked.has(stream))) return subject;
    return undefined;
  };
  const record = async (type: string, data: MarkData): Promise<E.Either<EventStoreError, void>> =>
    E.map(() => undefined)(await log.append([{ id: randomUUID(), type, data, metadata: {} }]));

  return {
    storedForms: async (stream, events) => {
      if (events.every((event) => event.personal === undefined)) return E.right(events);
      const fresh = await refresh();
      if (E.isLeft(fresh)) return fresh;
      if (subjects.size === 0) return E.right(events);
      let subject: string | undefined;
      const stored = events.map((event) => {
        const named = event.personal?.about() ?? [];
        const about = subjectOf(named);
        if (about === undefined || event.personal === undefined) return event;
        if (named.includes(stream)) subject = about;
        return { ...event, ...event.personal.redacted() };
      });
      if (subject !== undefined && !(subjects.get(subject)?.has(stream) ?? false)) {
        const marked = await record(MARKED, { subject, streams: [stream] });
        if (E.isLeft(marked)) return marked;
      }
      return E.right(stored);
    },
    mark: async (subject, streams) => {
      const marked = await record(MARKED, { subject, streams });
      if (E.isRight(marked)) await sleep(log.appendDeadlineMs);
      return marked;
    },
    lift: (subject) => record(LIFTED, { subject }),
    all: async () => E.map(() => Object.fromEntries([...subjects].map(([subject, streams]) => [subject, [...streams].sort()])))(await refresh()),
  };
};
