import type { DataIssue } from './event-data-error.js';

/** The provider's id fields: every one of them is an integer in the reference. */
const ID_FIELDS = new Set(['id', 'contact_id', 'booking_type_id', 'resource_id']);

/** Its decimal digits, as JSON or as a string: one spelling per number, so one entity is one stream. */
const DECIMAL_DIGITS = /^(0|[1-9][0-9]*)$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStrictId = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && DECIMAL_DIGITS.test(value));

const looseIdsIn = (object: Record<string, unknown>, path: string): DataIssue[] =>
  Object.entries(object)
    .filter(([key, value]) => ID_FIELDS.has(key) && value !== null && value !== undefined && !isStrictId(value))
    .map(([key]) => ({ path: `${path}.${key}`, message: 'expected a non-negative integer, or a string of its decimal digits' }));

/**
 * The id fields of a delivery's `data` (flat: on `data`; nested: on the entities under it) that are not integers.
 * Intake quarantines such a delivery; events already stored are read as before (the schemas accept any safe id
 * text), so an existing log keeps projecting.
 */
export const looseIds = (data: unknown): DataIssue[] => {
  if (!isObject(data)) return [];
  return [
    ...looseIdsIn(data, 'data'),
    ...Object.entries(data).flatMap(([key, value]) => (isObject(value) ? looseIdsIn(value, `data.${key}`) : [])),
  ];
};
