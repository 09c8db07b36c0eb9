import { fileURLToPath } from 'node:url';

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

export const nodeArgsFor = (modulePath: string): string[] => {
  const file = fileURLToPath(new URL(`../${modulePath}.${compiled ? 'js' : 'ts'}`, import.meta.url));
  return [...profiling(), ...(compiled ? [file] : ['--import', 'tsx', file])];
};
