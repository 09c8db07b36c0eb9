import { median } from './stats.js';

/** What a figure must reach: a floor (throughput) or a ceiling (latency, memory). */
export type Target = { readonly atLeast: number } | { readonly atMost: number };

export type FigureSpec = {
  /** Key the scenario reports the figure under. */
  readonly key: string;
  /** Label in the table. */
  readonly label: string;
  readonly unit: string;
  readonly target?: Target;
  /** Computed from other figures' medians (a ratio), not measured itself. */
  readonly derive?: (medianOf: (key: string) => number) => number;
};

export type Verdict = 'pass' | 'short' | 'info' | 'failed';

export type FigureResult = {
  readonly scenario: string;
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly runs: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly target: Target | null;
  readonly verdict: Verdict;
  readonly error?: string;
};

/** Each figure's values, one per run. */
export type Measurements = Readonly<Record<string, readonly number[]>>;

const verdictOf = (value: number, target: Target | undefined): Verdict => {
  if (target === undefined) return 'info';
  if (!Number.isFinite(value)) return 'short';
  return 'atLeast' in target ? (value >= target.atLeast ? 'pass' : 'short') : value <= target.atMost ? 'pass' : 'short';
};

/** Medians, ranges and verdicts of a scenario's figures; derived figures are computed from the medians. */
export const summarise = (scenario: string, specs: readonly FigureSpec[], measured: Measurements): FigureResult[] => {
  const medianOf = (key: string): number => median(measured[key] ?? []);
  return specs.map((spec) => {
    const runs = spec.derive === undefined ? (measured[spec.key] ?? []) : [spec.derive(medianOf)];
    const value = median(runs);
    return {
      scenario,
      key: spec.key,
      label: spec.label,
      unit: spec.unit,
      runs,
      median: value,
      min: Math.min(...runs),
      max: Math.max(...runs),
      target: spec.target ?? null,
      verdict: verdictOf(value, spec.target),
    };
  });
};

/** A scenario that threw: its figures are reported as failed, with the reason, and the suite goes on. */
export const failed = (scenario: string, specs: readonly FigureSpec[], error: unknown): FigureResult[] =>
  specs.map((spec) => ({
    scenario,
    key: spec.key,
    label: spec.label,
    unit: spec.unit,
    runs: [],
    median: Number.NaN,
    min: Number.NaN,
    max: Number.NaN,
    target: spec.target ?? null,
    verdict: 'failed',
    error: error instanceof Error ? error.message : String(error),
  }));

/** Runs `measure` `runs` times and gathers each figure's values. */
export const repeat = async (runs: number, measure: (run: number) => Promise<Record<string, number>>): Promise<Measurements> => {
  const gathered: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) {
    for (const [key, value] of Object.entries(await measure(run))) (gathered[key] ??= []).push(value);
  }
  return gathered;
};
