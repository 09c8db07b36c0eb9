import type { MessagePort } from 'node:worker_threads';
import { stdSerializers } from 'pino';
import type { FromRunnerWorker, RunnerLogLevel } from './runner-worker-messages.js';
import type { RunnerLog } from './live-loop.js';

/**
 * The runner's log inside its worker: each record posted to the server's thread. An error is serialised as pino
 * would (a structured clone keeps neither its class name nor its own fields), and a record that still cannot be
 * cloned is posted without its fields: logging must never throw inside the runner's error handling.
 */
export const runnerWorkerLog = (port: Pick<MessagePort, 'postMessage'>, component?: 'rebuild'): RunnerLog => {
  const post = (message: FromRunnerWorker) => port.postMessage(message);
  const from = component === undefined ? {} : { component };
  const at = (level: RunnerLogLevel) => (fields: object, message: string) => {
    const serialised = 'err' in fields && fields.err instanceof Error ? { ...fields, err: stdSerializers.err(fields.err) } : fields;
    try {
      post({ kind: 'log', level, fields: serialised, message, ...from });
    } catch (error) {
      post({ kind: 'log', level, fields: { fields_not_cloneable: String(error) }, message, ...from });
    }
  };
  return { info: at('info'), warn: at('warn'), error: at('error') };
};
