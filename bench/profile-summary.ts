import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time, and the same
 * grouped by file. Usage: `npx tsx bench/profile-summary.ts FILE.cpuprofile [top]`.
 */

type ProfileNode = {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
};
type CpuProfile = { readonly nodes: readonly ProfileNode[]; readonly samples: readonly number[]; readonly timeDeltas: readonly number[] };

const where = (url: string): string => {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  return inModules >= 0 ? path.slice(inModules + 'node_modules/'.length) : relative(process.cwd(), path);
};

const addTo = (totals: Map<string, number>, key: string, micros: number) => totals.set(key, (totals.get(key) ?? 0) + micros);

/** Self time per function and per file, in microseconds, from the sample timeline. */
export const selfTimes = (profile: CpuProfile) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = where(url);
    addTo(functions, `${functionName || '(anonymous)'}  ${file}${url === '' ? '' : `:${lineNumber + 1}`}`, micros);
    addTo(files, file, micros);
    total += micros;
  });
  return { functions, files, total };
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
const { functions, files, total } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms\n\nself time by function:`);
console.log(top(functions, total, Number(count)).join('\n'));
console.log('\nself time by file:');
console.log(top(files, total, 15).join('\n'));
