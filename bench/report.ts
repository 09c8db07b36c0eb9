import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteDurability } from '../src/store/sqlite.js';
import type { FigureResult, Target } from './figure.js';

const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

const formatTarget = (target: Target | null, unit: string): string =>
  target === null ? '' : 'atLeast' in target ? `≥ ${formatNumber(target.atLeast)} ${unit}` : `≤ ${formatNumber(target.atMost)} ${unit}`;

const verdictText = (figure: FigureResult): string =>
  figure.verdict === 'failed' ? `failed: ${figure.error ?? ''}` : figure.verdict === 'info' ? '' : figure.verdict;

/** The one table of the suite, in Markdown (readable in a terminal, pasted as is into docs/performance.md). */
export const renderTable = (figures: readonly FigureResult[]): string => {
  const rows = figures.map((figure) => [
    figure.label,
    `${formatNumber(figure.median)} ${figure.unit}`,
    figure.runs.length > 1 ? `${formatNumber(figure.min)} – ${formatNumber(figure.max)}` : '',
    formatTarget(figure.target, figure.unit),
    verdictText(figure),
  ]);
  const header = ['figure', 'median', 'min – max', 'target', 'pass/short'];
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
};

export type BenchReport = {
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly runs: number;
  /** `SQLITE_DURABILITY` of the stores measured. */
  readonly durability: SqliteDurability;
  readonly seconds: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly memoryGb: number };
  /** `git describe --always --dirty` at the start and the end (the checkout may change while the suite runs). */
  readonly revision: { readonly before: string; readonly after: string };
  /** 1-minute load average before and after: other work on the machine skews figures. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly figures: readonly FigureResult[];
};

/** bench/results/<date>.json and bench/results/latest.json. */
export const writeReport = (directory: string, report: BenchReport): string => {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${report.date.replace(/:/g, '-')}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(directory, 'latest.json'), text);
  return file;
};
