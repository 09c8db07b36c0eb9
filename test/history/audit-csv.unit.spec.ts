import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../projections/contact-audit.js';
import { auditCsv } from '../../src/history/audit-csv.js';
import { asCsvText, auditEntriesFromCsv, parseCsv } from './parse-csv.js';

const HEADER = ['occurred_at', 'event', 'event_id', 'received_at', 'delivery_id', 'field', 'from', 'to'];

const entries: AuditEntry[] = [
  {
    event: 'contact.created',
    event_id: 'e1',
    occurred_at: '2026-03-04T12:00:00.000000Z',
    received_at: '2026-03-04T12:00:01.000Z',
    delivery_id: 'd1',
    changes: [
      { field: 'id', from: null, to: 42 },
      { field: 'name', from: null, to: 'Johnson, "Sarah"\r\nsecond line' },
      { field: 'tags', from: null, to: ['a,b', 'c"d'] },
      { field: 'blacklisted', from: null, to: false },
    ],
  },
  { event: 'contact.updated', event_id: 'e2', occurred_at: 1772625900, received_at: null, delivery_id: null, changes: [] },
  {
    event: 'contact.updated',
    event_id: 'e3',
    occurred_at: '2026-03-04T12:10:00Z',
    received_at: 'r',
    delivery_id: 'd3',
    changes: [{ field: 'status', from: 'null', to: '' }],
  },
];

describe('audit trail as CSV', () => {
  it('writes an RFC 4180 header and one CRLF-terminated row per change', () => {
    const csv = auditCsv(entries);
    expect(csv.startsWith(`${HEADER.join(',')}\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)[0]).toEqual(HEADER);
    expect(parseCsv(csv)).toHaveLength(1 + 4 + 1 + 1);
  });

  it('parses back to the same entries', () => {
    expect(auditEntriesFromCsv(auditCsv(entries))).toEqual(asCsvText(entries));
  });

  it('quotes commas, quotes and line breaks, and JSON-encodes what is not a string', () => {
    const rows = parseCsv(auditCsv(entries)).slice(1);
    expect(rows[1]?.slice(5)).toEqual(['name', 'null', 'Johnson, "Sarah"\r\nsecond line']);
    expect(JSON.parse(rows[2]![7]!)).toEqual(['a,b', 'c"d']);
    expect(rows[3]?.slice(5)).toEqual(['blacklisted', 'null', 'false']);
    expect(auditCsv(entries)).toContain('"Johnson, ""Sarah""\r\nsecond line"');
  });

  it('keeps an entry that changed nothing as a row with empty change columns', () => {
    const rows = parseCsv(auditCsv(entries)).slice(1);
    expect(rows[4]).toEqual(['1772625900', 'contact.updated', 'e2', '', '', '', '', '']);
  });

  it('is only the header for an empty trail', () => {
    expect(auditCsv([])).toBe(`${HEADER.join(',')}\r\n`);
  });

  describe('against spreadsheet formula injection', () => {
    const changed = (to: string): AuditEntry[] => [
      { event: 'contact.updated', event_id: 'e', occurred_at: 'o', received_at: 'r', delivery_id: 'd', changes: [{ field: 'name', from: 'x', to }] },
    ];
    const toCell = (csv: string) => parseCsv(csv)[1]?.[7];

    it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd', '=HYPERLINK("http://x","y")'])('prefixes %j with a quote', (text) => {
      expect(toCell(auditCsv(changed(text)))).toBe(`'${text}`);
    });

    it.each(['Sarah', "'quoted", ' =spaced', 'a=b'])('leaves %j as it is', (text) => {
      expect(toCell(auditCsv(changed(text)))).toBe(text);
    });

    it('gives the exact values when raw', () => {
      expect(toCell(auditCsv(changed('=1+1'), { raw: true }))).toBe('=1+1');
    });
  });
});
