import { fileURLToPath } from 'node:url';

/**
 * Node arguments that run one of this checkout's modules in a child process, the way this bench itself runs:
 * through tsx from the sources (`npm run bench`), or as compiled JavaScript when the bench was compiled for
 * profiling (docs/performance.md), so that the child's profile names functions and lines.
 */
const compiled = import.meta.url.endsWith('.js');

/** The directory the checkout (or its compiled copy) starts at. */
export const checkoutRoot = fileURLToPath(new URL('..', import.meta.url));

export const nodeArgsFor = (modulePath: string): string[] => {
  const file = fileURLToPath(new URL(`../${modulePath}.${compiled ? 'js' : 'ts'}`, import.meta.url));
  return compiled ? [file] : ['--import', 'tsx', file];
};
