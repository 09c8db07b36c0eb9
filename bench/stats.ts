/** Plain statistics over measured values; percentiles by nearest rank, so they are values that were observed. */

export const median = (values: readonly number[]): number => percentile(values, 50);

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
};

export const seconds = (fromMs: number): number => (performance.now() - fromMs) / 1000;
