import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time, and the same
 * grouped by file. Usage: `npx tsx bench/profile-summary.ts FILE.cpuprofile [top]`.
 */

type ProfileNode = {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
};
type CpuProfile = { readonly nodes: readonly ProfileNode[]; readonly samples: readonly number[]; readonly timeDeltas: readonly number[] };

const where = (url: string): string => {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  return inModules >= 0 ? path.slice(inModules + 'node_modules/'.length) : relative(process.cwd(), path);
};

const addTo = (totals: Map<string, number>, key: string, micros: number) => totals.set(key, (totals.get(key) ?? 0) + micros);

const nameOf = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode): string =>
  `${functionName || '(anonymous)'}  ${where(url)}${url === '' ? '' : `:${lineNumber + 1}`}`;

/**
 * Self time per function and per file, and total time per function (the samples it is anywhere on the stack
 * of, counted once per sample), in microseconds.
 */
export const profileTimes = (profile: CpuProfile) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    if (node === undefined) return;
    addTo(functions, nameOf(node), micros);
    addTo(files, where(node.callFrame.url), micros);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at);
      if (frame !== undefined) onStack.add(nameOf(frame));
    }
    for (const name of onStack) addTo(inclusive, name, micros);
    total += micros;
  });
  return { functions, inclusive, files, total };
};

const top = (totals: Map<string, number>, total: number, count: number): string[] =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);

const [file, count = '25'] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [top]');
  process.exit(2);
}
const { functions, inclusive, files, total } = profileTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms\n\nself time by function:`);
console.log(top(functions, total, Number(count)).join('\n'));
console.log('\nself time by file:');
console.log(top(files, total, 15).join('\n'));
console.log('\ntotal time by function (self and callees):');
console.log(top(inclusive, total, Number(count)).join('\n'));
