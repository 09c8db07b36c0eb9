import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { parseConfig, type Config } from '../../src/config.js';
import { registerReadyRoute } from '../../src/http/ready-route.js';
import { observedStore } from '../../src/metrics/observed-store.js';
import { serviceMetrics } from '../../src/metrics/service-metrics.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { projectionStanding } from '../../src/runner/projection-standing.js';
import { startRunnerInWorker, type RunnerInWorker } from '../../src/runner/runner-in-worker.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';
import { eventually } from '../support/eventually.js';

type Logged = { level: string; message: string };

const contactCreated = (id: number) => ({
  id: randomUUID(),
  type: 'contact.created',
  data: { contact: { id, name: `Contact ${id}`, created_at: '2026-03-04T12:00:00.000000Z' } },
  metadata: {},
});

const configFor = (dir: string): Config => {
  const config = parseConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  if (E.isLeft(config)) throw new Error(config.left);
  return config.right;
};

describe('the runner in a worker thread', () => {
  const cleanup = cleanupAfterEach();

  const setUp = async (entry?: URL, restartDelayMs = 500, stopTimeoutMs = 10_000) => {
    const dir = makeTempDir('runner-worker');
    cleanup.push(dir.remove);
    const config = configFor(dir.path);
    const store: OpenedStore = openSqliteEventStore(join(dir.path, 'events.db'));
    cleanup.push(() => store.close());
    const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    cleanup.push(() => readModel.close());
    const logged: Logged[] = [];
    const logAt = (level: string) => (_fields: object, message: string) => logged.push({ level, message });
    const runner: RunnerInWorker = await startRunnerInWorker({
      config,
      readModel,
      log: { info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
      restartDelayMs,
      stopTimeoutMs,
      ...(entry === undefined ? {} : { entry }),
    });
    cleanup.push(() => runner.stop());
    return { store, readModel, runner, logged };
  };

  it('knows the checkpoints before the worker has started, and each commit the worker reports', async () => {
    const { store, runner } = await setUp();
    expect(runner.progress().map((p) => [p.name, p.position])).toEqual(projections.map((p) => [p.name, 0]));
    const appended = await store.append('contact-1', [contactCreated(1), contactCreated(2)]);
    if (E.isLeft(appended)) throw new Error('append failed');
    const head = appended.right.revision + 1;
    expect(await runner.waitFor(head, 10_000)).toBe(true);
    expect(runner.appliedPosition()).toBe(head);
    expect(new Set(runner.progress().map((p) => p.position))).toEqual(new Set([head]));
  });

  it('answers waitFor false after its timeout for a position the log has not reached, and on stop', async () => {
    const { runner } = await setUp();
    expect(await runner.waitFor(5, 100)).toBe(false);
    const pending = runner.waitFor(5, 60_000);
    await runner.stop();
    expect(await pending).toBe(false);
  });

  it('moves a checkpoint only where the worker says a commit left it: one that commits nothing moves nothing', async () => {
    const { store, runner } = await setUp(new URL('./fixtures/commits-nothing-worker.ts', import.meta.url));
    await runner.started;
    right(await store.append('contact-5', [contactCreated(5)]));
    expect(runner.appliedPosition()).toBe(0);
    expect(await runner.waitFor(1, 500)).toBe(false);
  });

  it('stops once however often stop is called, every caller seeing it settle', async () => {
    const { runner } = await setUp();
    await runner.started;
    const settled = Promise.all([runner.stop(), runner.stop()]).then(() => 'stopped');
    expect(await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('still stopping'), 5_000))])).toBe('stopped');
  });

  it('ends a worker that does not stop at the stop deadline, settling every stop', async () => {
    const { runner, logged } = await setUp(new URL('./fixtures/never-stops-worker.ts', import.meta.url), 500, 300);
    const settled = Promise.all([runner.stop(), runner.stop()]).then(() => 'stopped');
    expect(await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('still stopping'), 5_000))])).toBe('stopped');
    expect(logged).toContainEqual({ level: 'warn', message: 'runner worker did not stop in time; ending it' });
  });

  it('reports a worker that ended on its own, starts it again, and the new worker catches up', async () => {
    const { store, runner, logged } = await setUp(new URL('./fixtures/fails-first-start-worker.ts', import.meta.url));
    await eventually('the failure is reported', () => runner.failure());
    expect(runner.failure()).toMatch(/^its worker thread ended \(exit code 1\)$/);
    expect(logged).toContainEqual({ level: 'error', message: 'runner worker ended; starting it again' });
    right(await store.append('contact-7', [contactCreated(7)]));
    expect(await runner.waitFor(1, 20_000)).toBe(true);
    expect(runner.failure()).toBeUndefined();
    expect(logged).toContainEqual({ level: 'info', message: 'runner worker running again' });
  });

  it('makes /ready answer 503 while its worker is down, 200 once it runs again', async () => {
    const { store, readModel, runner } = await setUp(new URL('./fixtures/fails-first-start-worker.ts', import.meta.url), 3_000);
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const now = () => new Date();
    registerReadyRoute(app, {
      role: runner.role,
      store: observedStore(store, serviceMetrics()),
      standing: () => projectionStanding({ store, runner, readModel, projections, now }),
      stallAfterMs: 60_000,
      runnerFailure: runner.failure,
    });
    cleanup.push(() => app.close());
    await eventually('the failure is reported', () => runner.failure());
    const down = await app.inject({ method: 'GET', url: '/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ reasons: ['the runner is not running: its worker thread ended (exit code 1); restarting it'] });
    await eventually('the worker runs again', () => (runner.failure() === undefined ? true : undefined));
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });
});

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected a Right, got ${JSON.stringify(either.left)}`);
  return either.right;
};
