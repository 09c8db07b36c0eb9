import { REDACTED } from '../events/personal-data.js';
import { foldedText } from '../../projections/view-row.js';

/**
 * Values as the lists compare them: without regard to case or accents (foldedText, as `q` does), computed here once
 * for every store, so that `Urgent` finds `urgent` and a name sorts the same on SQLite and PostgreSQL.
 */

/** A field's value as a filter matches it; null for none. */
export const foldedValue = (value: unknown): string | null => (value === null || value === undefined ? null : foldedText(String(value)));

/** Each of a list's values (a contact's tags), folded, in its order. */
export const foldedValues = (values: unknown): string[] => (Array.isArray(values) ? values.map((value) => foldedText(String(value))) : []);

/** A name's place in the name order: folded, so that "émile" sorts with "Emily"; an erased name sorts with the missing. */
export const nameSortKey = (name: unknown): string | null => (typeof name === 'string' && name !== REDACTED ? foldedText(name) : null);
