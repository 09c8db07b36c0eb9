/** A JSON object (not null, not an array): what a projection's `isState` looks for first. */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
