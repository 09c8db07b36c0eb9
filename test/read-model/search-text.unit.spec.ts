import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/events/personal-data.js';
import { searchText } from '../../projections/view-row.js';
import { searchPattern } from '../../src/read-model/search-text.js';

/** Latin letters, some with accents, in either form (precomposed NFC, decomposed NFD). */
const latinWord = fc
  .array(fc.constantFrom(...'aeiouncAEIOUNCáéíóúñçÁÉÍÓÚÑÇàèüÜøß -.'), { maxLength: 20 })
  .map((chars) => chars.join(''));

/** The needle of a query: its pattern without the `%` either side (a query without `\`, `%` or `_`). */
const needleOf = (query: string): string => searchPattern(query).slice(1, -1);

describe('search text and query normalisation', () => {
  it('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const once = searchText({ name: text });
        expect(searchText({ name: once })).toBe(once);
      }),
    );
  });

  it('case never matters', () => {
    fc.assert(
      fc.property(latinWord, (word) => {
        expect(searchText({ name: word.toUpperCase() })).toBe(searchText({ name: word.toLowerCase() }));
        expect(needleOf(word.toUpperCase())).toBe(needleOf(word.toLowerCase()));
      }),
    );
  });

  it('accents never matter, precomposed or decomposed', () => {
    fc.assert(
      fc.property(latinWord, (word) => {
        const bare = word.normalize('NFD').replace(/\p{M}/gu, '');
        expect(searchText({ name: word.normalize('NFC') })).toBe(searchText({ name: bare }));
        expect(searchText({ name: word.normalize('NFD') })).toBe(searchText({ name: bare }));
      }),
    );
  });

  it('a phone-like query looks for its digits, which the stored text holds whatever the phone\'s punctuation', () => {
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 15 }).map((d) => d.join(''));
    const separator = fc.constantFrom('', ' ', '-', '.', '(', ')', '+');
    fc.assert(
      fc.property(fc.array(fc.tuple(digits, separator), { minLength: 1, maxLength: 4 }), (parts) => {
        const written = parts.map(([d, s]) => `${s}${d}`).join('');
        const plain = parts.map(([d]) => d).join('');
        expect(needleOf(written)).toBe(plain);
        expect(searchText({ phone: written }).split('\n')).toContain(plain);
      }),
    );
  });

  it('keeps erased values out of the search text', () => {
    expect(searchText({ name: REDACTED, email: 'a@b.example', phone: REDACTED })).toBe('a@b.example');
  });

  it('escapes what LIKE would read as wildcards', () => {
    expect(searchPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
