import * as E from 'fp-ts/lib/Either.js';
import type { StoreMaintenance } from './event-store.js';
import type { AppendSettings } from './eventstoredb-append.js';
import type { Answering } from './eventstoredb-answering.js';
import type { EventStoreDbClient } from './eventstoredb-client.js';
import type { ErasureMarksStream } from './erasure-marks-stream.js';
import { readNewest, readStream } from './eventstoredb-reads.js';
import { rewriteByCopy } from './eventstoredb-rewrite.js';
import type { KeyedLock } from './keyed-lock.js';

type EventStoreDbMaintenanceDeps = {
  readonly client: EventStoreDbClient;
  readonly settings: Pick<AppendSettings, 'deadlineMs' | 'credentials'>;
  readonly answer: Answering;
  /** The adapter's lock of a stream for its appends: a rewrite must not interleave with them. */
  readonly oneAtATime: KeyedLock;
  readonly marks: ErasureMarksStream;
};

/** The maintenance port over the same client as the adapter's EventStore. */
export const eventStoreDbMaintenance = ({ client, settings, answer, oneAtATime, marks }: EventStoreDbMaintenanceDeps): StoreMaintenance => ({
  // Appends go to the leader (the client's default node preference); one answered read from it is the probe.
  probeWrites: () => answer(() => readNewest(client, settings.deadlineMs)),
  markErased: marks.mark,
  liftErased: marks.lift,
  erasureMarks: marks.all,
  rewriteEvents: (stream, rewrites) =>
    oneAtATime(stream, () =>
      answer(async () => {
        const read = await readStream(client, settings.deadlineMs, stream);
        return E.isLeft(read) ? read : rewriteByCopy(client, settings, stream, read.right, rewrites);
      }),
    ),
  // The server's files keep the truncated originals until a scavenge, which an operator starts (see docs/personal-data.md).
  purgeRewritten: () => answer(async () => E.right(undefined)),
});
