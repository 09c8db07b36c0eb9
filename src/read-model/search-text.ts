import { REDACTED } from '../events/personal-data.js';

/**
 * What the contacts list's `q` matches, the same on every read-model store: text without regard to case or accents,
 * and phone numbers by their digits, so that `garcia` finds "García" and `(415) 555-1139` finds `+14155551139`.
 */

const MARKS = /\p{M}/gu;
const NOT_DIGITS = /\D/g;
/** Only what people write phone numbers with, and at least one digit. */
const PHONE_LIKE = /^[\d\s+\-().]*\d[\d\s+\-().]*$/;

/** Case folded (upper then lower case: `ß` is `ss`), decomposed (NFD), combining marks removed. */
const folded = (text: string): string => text.toUpperCase().toLowerCase().normalize('NFD').replace(MARKS, '');

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
  return folded(lines.join('\n'));
};

/** What a query looks for in the search text: its digits when it looks like a phone number, else the folded text. */
const searchNeedle = (query: string): string => (PHONE_LIKE.test(query) ? query.replace(NOT_DIGITS, '') : folded(query));

/** A LIKE pattern (escaped with `\`) finding the query's needle anywhere in the search text. */
export const searchPattern = (query: string): string => `%${searchNeedle(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
