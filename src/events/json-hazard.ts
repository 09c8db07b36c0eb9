/** Keys that would reach an object's prototype if a consumer ever merged the payload by assignment. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real payload; keeps every later recursive walk far from the stack limit. */
const MAX_JSON_DEPTH = 32;

/** Far beyond any real payload (a contact has a dozen fields, a tag list a few items); every later step is linear in these. */
export const MAX_KEYS_PER_OBJECT = 1_000;
export const MAX_ITEMS_PER_ARRAY = 10_000;

export const FORBIDDEN_KEY = 'forbidden key';

type JsonHazard = { readonly path: string; readonly message: string };

/** A node still to visit; its path is spelled out only if it turns out to be the hazard. */
type Visit = { readonly value: unknown; readonly parent: Visit | undefined; readonly key: string | number; readonly depth: number };

const pathOf = (visit: Visit): string => {
  const keys: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) keys.push(at.key);
  return keys.reduceRight<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`), '$');
};

/**
 * Finds what makes parsed JSON unsafe to process further: nesting beyond MAX_JSON_DEPTH, an object or array larger
 * than MAX_KEYS_PER_OBJECT / MAX_ITEMS_PER_ARRAY, else a prototype key.
 * Iterative, so that a hostile, deeply nested body cannot exhaust the stack here either. Depth is reported first:
 * only a body free of it may be walked recursively later (a quarantined one's fingerprint is its canonical JSON).
 */
export const findJsonHazard = (root: unknown): JsonHazard | undefined => {
  const pending: Visit[] = [{ value: root, parent: undefined, key: '$', depth: 0 }];
  let forbidden: Visit | undefined;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path: pathOf(next), message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS_PER_ARRAY) return { path: pathOf(next), message: `more than ${MAX_ITEMS_PER_ARRAY} items` };
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (item !== null && typeof item === 'object') pending.push({ value: item, parent: next, key: index, depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > MAX_KEYS_PER_OBJECT) return { path: pathOf(next), message: `more than ${MAX_KEYS_PER_OBJECT} keys` };
    for (const key of keys) {
      const child = { value: (value as Record<string, unknown>)[key], parent: next, key, depth: depth + 1 };
      if (PROTOTYPE_KEYS.has(key)) forbidden ??= child;
      pending.push(child);
    }
  }
  return forbidden === undefined ? undefined : { path: pathOf(forbidden), message: FORBIDDEN_KEY };
};
