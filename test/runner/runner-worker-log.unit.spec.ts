import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { runnerWorkerLog } from '../../src/runner/runner-worker-log.js';
import type { FromRunnerWorker } from '../../src/runner/runner-worker-messages.js';

class StoreGone extends Error {
  override readonly name = 'StoreGone';
  readonly code = 'E_GONE';
}

describe("the runner worker's log", () => {
  let channel = new MessageChannel();
  afterEach(() => {
    channel.port1.close();
    channel = new MessageChannel();
  });
  const received = () => new Promise<FromRunnerWorker>((resolve) => channel.port2.once('message', resolve));

  it('posts an error with its class name, message, stack and own fields', async () => {
    const next = received();
    runnerWorkerLog(channel.port1).error({ err: new StoreGone('the store went away'), projection: 'contacts' }, 'fold failed');
    const record = await next;
    expect(record).toMatchObject({ kind: 'log', level: 'error', message: 'fold failed', fields: { projection: 'contacts' } });
    expect(record.kind === 'log' && record.fields).toMatchObject({
      err: { type: 'StoreGone', message: 'the store went away', code: 'E_GONE', stack: expect.stringContaining('StoreGone') },
    });
  });

  it('does not throw for a field that cannot cross the thread, and still posts the record', async () => {
    const next = received();
    expect(() => runnerWorkerLog(channel.port1).warn({ callback: () => undefined }, 'odd field')).not.toThrow();
    expect(await next).toMatchObject({ kind: 'log', level: 'warn', message: 'odd field', fields: { fields_not_cloneable: expect.stringContaining('could not be cloned') } });
  });
});
