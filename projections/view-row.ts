import { z } from 'zod';
import { REDACTED } from '../src/events/personal-data.js';

/**
 * Extra fields a view keeps from the payloads: names of the provider's shape (snake_case), the first ones by name,
 * as many as fit in a byte budget. Anything else a sender made up (`"SECRETKEY\nINJECT"`, thousands of keys, keys
 * holding megabytes) stays in the log, not in the view, so that a row, and a page of rows, stays small.
 */
const EXTRA_FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export const MAX_EXTRA_FIELDS = 32;
/** Bytes of JSON (names and values) a row's extra fields take at most: about 1 KB each, on average. */
export const MAX_EXTRA_FIELDS_BYTES = 32 * 1024;

/** Where a row names the extra fields of the provider's shape it does not show; a payload's own such field is not shown. */
const LEFT_OUT = 'extra_fields_left_out';

export const ExtraFieldsLeftOut = z
  .array(z.string())
  .optional()
  .describe(`extra fields the payloads carried that the row leaves out (past ${MAX_EXTRA_FIELDS} of them, or ${MAX_EXTRA_FIELDS_BYTES} bytes); they are in the log`);

/** What a row shows of the payloads beyond its documented fields. */
type ExtraFields = { [field: string]: unknown; extra_fields_left_out?: string[] };

/**
 * The fields the payloads carried beyond the row's documented ones, in name order, so that the row's layout (and
 * its JSON) does not depend on the order the events arrived in; each kept while it still fits in count and bytes;
 * then, if some were left out, their names. A row spreads them after its documented fields.
 */
export const extraFields = (documented: object, values: Readonly<Record<string, unknown>>): ExtraFields => {
  const names: string[] = [];
  for (const field in values) {
    if (!Object.hasOwn(documented, field) && field !== LEFT_OUT && EXTRA_FIELD_NAME.test(field)) names.push(field);
  }
  names.sort();
  const extras: ExtraFields = {};
  const leftOut: string[] = [];
  let kept = 0;
  let bytes = 0;
  for (const name of names) {
    const size = kept < MAX_EXTRA_FIELDS ? name.length + JSON.stringify(values[name] ?? null).length : Number.POSITIVE_INFINITY;
    if (bytes + size <= MAX_EXTRA_FIELDS_BYTES) {
      extras[name] = values[name];
      kept += 1;
      bytes += size;
    } else leftOut.push(name);
  }
  if (leftOut.length > 0) extras[LEFT_OUT] = leftOut;
  return extras;
};

/*
 * The text a contact row is found by (the contacts list's `q`, on every read-model store): name, email and phone
 * without regard to case or accents, and the phone by its digits, so that `garcia` finds "García" and
 * `(415) 555-1139` finds `+14155551139`. The query side is src/read-model/search-text.ts.
 */

const MARKS = /\p{M}/gu;
const NOT_DIGITS = /\D/g;

/** Case folded (upper then lower case: `ß` is `ss`), decomposed (NFD), combining marks removed. */
export const foldedText = (text: string): string => text.toUpperCase().toLowerCase().normalize('NFD').replace(MARKS, '');

/**
 * The stored search text of a contact's name, email and phone: each folded, a line each, and the phone's digits on a
 * line of their own. An erased value is not something to find a contact by.
 */
export const searchText = (contact: { readonly name?: unknown; readonly email?: unknown; readonly phone?: unknown }): string => {
  const lines: string[] = [];
  for (const field of [contact.name, contact.email, contact.phone]) if (typeof field === 'string' && field !== REDACTED) lines.push(field);
  const { phone } = contact;
  const digits = typeof phone === 'string' && phone !== REDACTED ? phone.replace(NOT_DIGITS, '') : '';
  if (digits !== '' && digits !== phone) lines.push(digits);
  // Folded once, whole: folding keeps line breaks and digits as they are.
  return foldedText(lines.join('\n'));
};

/*
 * Values as the lists compare them: without regard to case or accents (foldedText, as `q` does), made once per row
 * written for every store, so that `Urgent` finds `urgent` and a name sorts the same on SQLite and PostgreSQL.
 */

/** A field's value as a filter matches it; null for none. */
export const foldedValue = (value: unknown): string | null => (value === null || value === undefined ? null : foldedText(String(value)));

/** Each of a list's values (a contact's tags), folded, in its order. */
export const foldedValues = (values: unknown): string[] => (Array.isArray(values) ? values.map((value) => foldedText(String(value))) : []);

/** A name's place in the name order: folded, so that "émile" sorts with "Emily"; an erased name sorts with the missing. */
export const nameSortKey = (name: unknown): string | null => (typeof name === 'string' && name !== REDACTED ? foldedText(name) : null);
