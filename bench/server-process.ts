import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import type { SqliteDurability } from '../src/store/sqlite.js';
import { freePort } from '../test/support/server-process.js';
import type { BaselineKind } from './baseline-server.js';
import { checkoutRoot, nodeArgsFor } from './node-entry.js';
import type { Scope } from './scope.js';

/** An HTTP server of the bench's own in a child process. */
export type BenchProcess = {
  readonly url: string;
  /** Resident memory now and at its peak, in MB (Linux /proc). */
  readonly memoryMb: () => { readonly rss: number; readonly peak: number };
  /** CPU time it has used so far, user and system, all threads (Linux /proc). */
  readonly cpuSeconds: () => number;
  /** The same, of its main thread alone: the one that serves HTTP. */
  readonly mainThreadCpuSeconds: () => number;
  readonly stop: () => Promise<void>;
};

export type BenchServer = BenchProcess & {
  /** Resolves once /ready reports every projection at the log's head. */
  readonly caughtUp: () => Promise<void>;
};

const STOP_GRACE_MS = 15_000;
const CATCH_UP_LIMIT_MS = 600_000;

const statusKb = (pid: number, field: string): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]);
};

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * utime + stime: fields 14 and 15 of /proc/<pid>/stat (or of one thread's, /proc/<pid>/task/<tid>/stat), counted
 * after the command name in parentheses.
 */
const cpuTicks = (statPath: string): number => {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

/**
 * Whether /health answers 200, on a connection closed afterwards: fetch's pooled one would stay open and hold one
 * of the server's MAX_CONNECTIONS places (bench/idle-connection-flood.ts fills them all).
 */
const answersHealth = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    get(`${url}/health`, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on('error', () => resolve(false));
  });

/**
 * A module of this checkout that serves HTTP on PORT, as a child process on a free port, ready once /health
 * answers; stopped with SIGTERM (so a `--cpu-prof` child writes its profile) when the scope closes, SIGKILL if it
 * does not stop in time.
 */
const startHttpChild = async (scope: Scope, modulePath: string, env: Record<string, string>): Promise<BenchProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgsFor(modulePath), {
    cwd: checkoutRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!running()) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  };
  scope.defer(stop);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running()) throw new Error(`server exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    if (await answersHealth(url)) break;
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = child.pid ?? Number.NaN;
  return {
    url,
    memoryMb: () => ({ rss: statusKb(pid, 'VmRSS') / 1024, peak: statusKb(pid, 'VmHWM') / 1024 }),
    cpuSeconds: () => cpuTicks(`/proc/${pid}/stat`) / TICKS_PER_SECOND,
    // A process's main thread has the process's id.
    mainThreadCpuSeconds: () => cpuTicks(`/proc/${pid}/task/${pid}/stat`) / TICKS_PER_SECOND,
    stop,
  };
};

/** The real service (src/main.ts) over `dataDir`. */
export const startBenchServer = async (scope: Scope, dataDir: string, env: Record<string, string> = {}): Promise<BenchServer> => {
  const server = await startHttpChild(scope, 'src/main', { LOG_LEVEL: 'warn', ...env, DATA_DIR: dataDir });
  const { url } = server;
  return {
    ...server,
    caughtUp: async () => {
      const deadline = Date.now() + CATCH_UP_LIMIT_MS;
      while (((await (await fetch(`${url}/ready`)).json()) as { status: string }).status !== 'ready') {
        if (Date.now() > deadline) throw new Error(`read model not caught up after ${CATCH_UP_LIMIT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
};

/** A baseline intake is compared with (bench/baseline-server.ts), on a fresh directory of its own. */
export const startBaselineServer = (scope: Scope, kind: BaselineKind, durability: SqliteDurability): Promise<BenchProcess> =>
  startHttpChild(scope, 'bench/baseline-server', { BASELINE: kind, DATA_DIR: scope.tempDir(kind), SQLITE_DURABILITY: durability });
