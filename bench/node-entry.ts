import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Node arguments that run one of this checkout's modules in a child process, the way this bench itself runs:
 * through tsx from the sources (`npm run bench`), or as compiled JavaScript when the bench was compiled for
 * profiling, so that profiles name functions and lines (tsx minifies). With BENCH_CPU_PROF_DIR set, every child
 * writes a V8 CPU profile there (`--cpu-prof` is not allowed in NODE_OPTIONS). See docs/performance.md.
 */
const compiled = import.meta.url.endsWith('.js');

/** The directory the checkout (or its compiled copy) starts at. */
export const checkoutRoot = fileURLToPath(new URL('..', import.meta.url));

const profiling = (): string[] => {
  const dir = process.env['BENCH_CPU_PROF_DIR'];
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
};

/** A module of this checkout by its path without extension, e.g. `bench/fill-worker`. */
export const moduleUrl = (modulePath: string): URL => new URL(`../${modulePath}.${compiled ? 'js' : 'ts'}`, import.meta.url);

/**
 * A worker thread running one of this checkout's modules. Node 20 does not pass `--import tsx` on to workers
 * (nodejs/node#47747), so from the sources the worker loads the module through tsx's own API.
 */
export const startWorker = (modulePath: string, workerData: unknown): Worker => {
  if (compiled) return new Worker(moduleUrl(modulePath), { workerData });
  const load = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ tsImport }) => tsImport(${JSON.stringify(moduleUrl(modulePath).href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { eval: true, workerData });
};

export const nodeArgsFor = (modulePath: string): string[] => {
  const file = fileURLToPath(moduleUrl(modulePath));
  return [...profiling(), ...(compiled ? [file] : ['--import', 'tsx', file])];
};
