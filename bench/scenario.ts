import type { SqliteDurability } from '../src/store/sqlite.js';
import type { FigureSpec, Measurements } from './figure.js';
import type { Fixtures } from './fixtures.js';

export type ScenarioContext = {
  /** Smaller sizes and shorter loads, for development. */
  readonly quick: boolean;
  /** Runs per figure; each figure is their median. */
  readonly runs: number;
  /** `SQLITE_DURABILITY` of every store measured (the naive receiver's `synchronous` alike); the service's default is full. */
  readonly durability: SqliteDurability;
  readonly fixtures: Fixtures;
  readonly log: (message: string) => void;
};

/** One file per scenario: the figures it reports and how it measures them. */
export type Scenario = {
  readonly name: string;
  readonly figures: (context: ScenarioContext) => readonly FigureSpec[];
  readonly measure: (context: ScenarioContext) => Promise<Measurements>;
};

/** Sizes of the event logs shared by catch-up, queries and cost growth (built once, see fixtures.ts). */
export const logSizes = (quick: boolean) =>
  quick ? { small: 2_000, large: 10_000 } : { small: 10_000, large: 1_000_000 };

/** 1000000 → "1M", 10000 → "10k". */
export const count = (n: number): string =>
  n >= 1_000_000 && n % 100_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 100 === 0 ? `${n / 1000}k` : String(n);
