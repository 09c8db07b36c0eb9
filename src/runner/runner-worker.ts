import { parentPort, workerData } from 'node:worker_threads';
import { projections } from '../../projections/registry.js';
import { purgeAfterForgets } from '../erasure/purge-after-forgets.js';
import { observeStore } from '../metrics/observed-store.js';
import { openReadModel } from '../read-model/open-read-model.js';
import { openEventStore } from '../store/open-event-store.js';
import { startLiveLoop } from './live-loop.js';
import { rebuildOutdated, type StartupRebuild } from './rebuild-outdated.js';
import { runnerWorkerLog } from './runner-worker-log.js';
import type { FromRunnerWorker, RunnerWorkerData, ToRunnerWorker } from './runner-worker-messages.js';

/**
 * The runner's worker thread (see runner-in-worker.ts): the live loop over a store and a read-model connection of
 * its own, saying where each commit left the checkpoints, and posting its log records, to the server's thread; and
 * the start-up rebuild of projections whose version changed, whose folds would otherwise hold up the requests.
 */
const port = parentPort;
if (port === null) throw new Error('runner-worker runs in a worker thread');
const { config } = workerData as RunnerWorkerData;
const post = (message: FromRunnerWorker) => port.postMessage(message);

const opened = await openEventStore(config);
// The worker only reads: its appends metric stays the server thread's.
const store = observeStore(opened, {
  storeError: (operation, error) => post({ kind: 'store_error', operation, error }),
  append: () => undefined,
});
const readModel = await openReadModel(config);
const log = runnerWorkerLog(port);
const loop = startLiveLoop({
  store,
  readModel,
  projections,
  log,
  // The loop's reports are messages already: they go to the server's thread as they are.
  onCommitted: port.postMessage.bind(port),
  afterCommit: purgeAfterForgets({ store, readModel, now: () => new Date(), log }),
});

// Its progress is told once it folds, after the assignment.
const startupRebuild: StartupRebuild = await rebuildOutdated({
  store,
  readModel,
  runner: loop,
  projections,
  log: runnerWorkerLog(port, 'rebuild'),
  progress: {
    update: (names, done, total) => post({ kind: 'rebuild_progress', status: startupRebuild.status(), projections: names, done, total }),
    ended: (names) => post({ kind: 'rebuild_ended', status: startupRebuild.status(), projections: names }),
  },
});

port.on('message', (message: ToRunnerWorker) => {
  if (message.kind === 'reload') return void loop.reload().then(() => post({ kind: 'reloaded', id: message.id }));
  void (async () => {
    await startupRebuild.stop();
    await loop.stop();
    await store.close();
    await readModel.close();
    post({ kind: 'stopped' });
    port.close();
  })();
});
