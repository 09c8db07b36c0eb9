import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactAudit, type AuditEntry } from '../../projections/contact-audit.js';
import { foldViews } from '../../projections/fold.js';
import { clockOf, compareClocks } from '../../projections/last-writer-wins.js';
import { contactsProjection } from '../../projections/registry.js';
import { contactAsOf } from '../../src/history/as-of-views.js';
import { auditPage } from '../../src/history/audit-page.js';
import { contactAuditTrail, type AuditWindow } from '../../src/history/contact-audit-trail.js';
import { historicEvents, type HistoricEvent } from '../../src/history/historic-events.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { seededRandom } from '../support/skylight-traffic.js';
import { makeTempDir } from '../support/temp-dir.js';

const EVENTS = 120;
const random = seededRandom(24);

/** Business times over an hour, several shared by two events (ties are ordered by event id). */
const instant = (minute: number) => `2026-03-04T12:${String(minute).padStart(2, '0')}:00.000000Z`;

/** Contact 42: created, updated again and again, deleted; the deliveries arrive in any order. */
const arrivals = () => {
  const events = Array.from({ length: EVENTS }, (_, n) => {
    const type = n === 0 ? 'contact.created' : n === EVENTS - 1 ? 'contact.deleted' : 'contact.updated';
    const at = instant(Math.floor((n * 60) / EVENTS));
    const time = type === 'contact.created' ? { created_at: at } : type === 'contact.deleted' ? { deleted_at: at } : { updated_at: at };
    const fields = { name: `Name ${n % 7}`, tags: n % 3 === 0 ? ['vip'] : [], [`extra_${n % 5}`]: n };
    return { id: randomUUID(), type, data: { contact: { id: 42, ...fields, ...time } }, metadata: { delivery_id: `d-${n}`, envelope_timestamp: at } };
  });
  return events.sort(() => random() - 0.5);
};

describe('the audit and as-of read a long, out-of-order stream a page at a time', () => {
  const dir = makeTempDir('paged-reads');
  let store: EventStore;
  /** Every event of the stream at once, as the answers were computed before they were paged. */
  let whole: HistoricEvent[];

  beforeAll(async () => {
    store = openSqliteEventStore(join(dir.path, 'events.db'));
    for (const event of arrivals()) expect(E.isRight(await store.append('contact-42', [event]))).toBe(true);
    const read = await store.readStream('contact-42');
    whole = historicEvents(E.getOrElseW(() => [])(read));
    expect(whole).toHaveLength(EVENTS);
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  const pagedTrail = async (window: AuditWindow, limit: number): Promise<AuditEntry[][]> => {
    const pages: AuditEntry[][] = [];
    for (let after: string | undefined, more = true; more; ) {
      const trail = await contactAuditTrail(store, '42', { ...window, after });
      if (E.isLeft(trail) || trail.right === undefined) throw new Error('no trail');
      const page = await auditPage(trail.right.entries, limit);
      if (E.isLeft(page)) throw new Error(page.left.kind);
      pages.push(page.right.entries);
      after = page.right.next_after ?? undefined;
      more = page.right.next_after !== null;
    }
    return pages;
  };

  it.each([
    ['the whole trail', {}],
    ['a window of business time', { from: Date.parse('2026-03-04T12:10:00Z') * 1000, to: Date.parse('2026-03-04T12:40:00Z') * 1000 }],
    ['a window from an instant on', { from: Date.parse('2026-03-04T12:59:00Z') * 1000 }],
  ])('gives %s, page after page, as the whole stream folded at once gives it', async (_name, window: AuditWindow) => {
    const expected = contactAudit('42', whole).filter((entry) => {
      const at = Date.parse(entry.occurred_at as string) * 1000;
      return (window.from === undefined || at >= window.from) && (window.to === undefined || at <= window.to);
    });
    const pages = await pagedTrail(window, 17);
    expect(pages.flat()).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.length === 17)).toBe(true);
  });

  it('gives no entries after a cursor that is no entry of the window', async () => {
    const trail = await contactAuditTrail(store, '42', { after: 'not-an-event-id' });
    const page = E.isRight(trail) && trail.right !== undefined ? await auditPage(trail.right.entries, 500) : undefined;
    expect(page).toEqual(E.right({ entries: [], next_after: null }));
  });

  it('gives the state at any business time and after any revision, as the whole stream folded at once gives it', async () => {
    const inBusinessTime = [...whole].sort((a, b) => compareClocks(clockOf(a), clockOf(b)));
    for (const minute of [0, 13, 30, 59]) {
      const asOf = Date.parse(`2026-03-04T12:${String(minute).padStart(2, '0')}:00Z`) * 1000;
      const view = foldViews(contactsProjection, inBusinessTime.filter((event) => event.micros <= asOf)).get('42');
      expect(await contactAsOf(store, '42', { as_of: asOf })).toEqual(E.right({ kind: 'view', view }));
    }
    for (const revision of [0, 41, EVENTS - 1]) {
      const view = foldViews(contactsProjection, whole.filter((event) => event.revision <= revision)).get('42');
      expect(await contactAsOf(store, '42', { at_revision: revision })).toEqual(E.right({ kind: 'view', view }));
    }
    expect(await contactAsOf(store, '42', { at_revision: EVENTS })).toEqual(E.right({ kind: 'no_such_revision', lastRevision: EVENTS - 1 }));
  });
});
