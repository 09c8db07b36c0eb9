/** Keys that would reach an object's prototype if a consumer ever merged the payload by assignment. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real payload; keeps every later recursive walk far from the stack limit. */
export const MAX_JSON_DEPTH = 32;

export type JsonHazard = { readonly path: string; readonly message: string };

/**
 * Finds what makes parsed JSON unsafe to process further: a prototype key, or nesting beyond MAX_JSON_DEPTH.
 * Iterative, so that a hostile, deeply nested body cannot exhaust the stack here either.
 */
export const findJsonHazard = (root: unknown): JsonHazard | undefined => {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '$', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) return { path: `${path}.${key}`, message: 'forbidden key' };
      pending.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
};
