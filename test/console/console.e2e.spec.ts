import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { QUARANTINE_STREAM } from '../../src/events/route-delivery.js';
import { openEventStore } from '../../src/store/open-event-store.js';
import { describeInBrowser } from '../support/browser.js';
import { consoleSession, PHONE } from '../support/console-session.js';
import { olderQuarantineRecord } from '../support/older-quarantine-record.js';
import {
  bigContact,
  deletedContact,
  invalidDelivery,
  MARKUP_NAME,
  markupContact,
  newcomer,
  passesNow,
  sarahFirstWave,
  sarahSecondWave,
} from './console-deliveries.js';


/** A quarantine record only an older version would have written, put into the log before the server starts. */
const seedOlderQuarantine = async (dataDir: string) => {
  const config = parseConfig({ DATA_DIR: dataDir });
  if (E.isLeft(config)) throw new Error(config.left);
  const store = await openEventStore(config.right);
  try {
    const appended = await store.append(QUARANTINE_STREAM, [olderQuarantineRecord(passesNow)]);
    if (E.isLeft(appended)) throw new Error('could not seed quarantine');
  } finally {
    await store.close();
  }
};

describeInBrowser('the console in a browser', () => {
  const { dir, url, post, settle, newPage, openPage } = consoleSession('console', {
    beforeStart: seedOlderQuarantine,
    seed: async ({ post, settle }) => {
      // Sarah's update is acknowledged before her creation is sent: the creation arrives late.
      await post(sarahFirstWave);
      await settle();
      await post([...sarahSecondWave, markupContact, invalidDelivery]);
      await post(deletedContact);
      await settle();
    },
  });
  // Into a temporary directory, so that a checkout stays clean after its own tests; `npm run screenshots` sets
  // SCREENSHOTS_DIR=docs to refresh the pictures the docs show.
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(process.env['SCREENSHOTS_DIR'] ?? dir.path, `${name}.png`), fullPage: false });

  it('serves the console at /console/ (/ redirects there) compressed, within 200 KB, with a CSP that forbids inline scripts', async () => {
    const root = await fetch(url('/'), { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const index = await fetch(url('/console/'));
    // fetch asks for br and gzip and decompresses the body: the header says what travelled.
    expect(index.headers.get('content-encoding')).toMatch(/^(?:br|gzip)$/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    const sent = await Promise.all(assets.map((path) => fetch(url(path))));
    expect(sent.map((response) => response.headers.get('content-encoding'))).toEqual(sent.map(() => expect.stringMatching(/^(?:br|gzip)$/)));
    const bodies = [Buffer.from(html), ...(await Promise.all(sent.map(async (response) => Buffer.from(await response.arrayBuffer()))))];
    const compressed = bodies.reduce((sum, body) => sum + gzipSync(body).byteLength, 0);
    console.log(`console first load: ${bodies.length} files, ${bodies.reduce((s, b) => s + b.byteLength, 0)} bytes, ${compressed} bytes gzip-compressed`);
    expect(compressed).toBeLessThanOrEqual(200 * 1024);
  });

  it('the overview shows head, the node\'s role, checkpoints, lag and counts, and they change after new deliveries without a reload', async () => {
    const page = await openPage('/console/');
    const appended = page.getByTestId('outcome-appended').locator('td');
    await appended.waitFor();
    const before = { head: Number(await page.getByTestId('head-position').textContent()), appended: Number(await appended.textContent()) };
    expect(before.appended).toBe(sarahFirstWave.length + sarahSecondWave.length + 1 + deletedContact.length);
    expect(await page.getByTestId('outcome-quarantined').locator('td').textContent()).toBe('1');
    expect(await page.getByTestId('quarantine-size').textContent()).toBe('2');
    expect(await page.getByTestId('node-role').textContent()).toBe('the writer');
    expect(await page.getByTestId('projection-contacts').getByTestId('lag-events').textContent()).toBe('0');
    expect(Number(await page.getByTestId('appended-24h').textContent())).toBe(before.head);

    const answers = await post([newcomer]);
    await post([{ ...newcomer, delivery_id: '0b1e6f0a-0c06-4d6a-8d0a-000000000c06' }]);
    // The retry's attempt is the log's last event.
    const position = (answers[0]?.body.position ?? 0) + 1;

    await expect.poll(() => appended.textContent(), { timeout: 10_000 }).toBe(String(before.appended + 1));
    await expect.poll(() => page.getByTestId('outcome-duplicate').locator('td').textContent()).toBe('1');
    await expect.poll(() => page.getByTestId('head-position').textContent()).toBe(String(position));
    await expect.poll(() => page.getByTestId('projection-contacts').locator('td').nth(1).textContent()).toBe(String(position));
    expect(await page.getByTestId('projection-contacts').getByTestId('lag-events').textContent()).toBe('0');
    expect(await page.getByTestId('projection-contacts').getByTestId('lag-seconds').textContent()).toBe('0.0');
    expect(Number(await page.getByTestId('appended-24h').textContent())).toBe(position);
    await shoot(page, 'console-overview');
  });

  it('search → contact → timeline (late delivery marked) → as of; back returns to the results; a reload on the deep URL keeps the view', async () => {
    const page = await openPage('/console/contacts');
    const search = page.getByRole('searchbox', { name: 'Search contacts' });
    await search.fill('sarah');
    await search.press('Enter');
    await page.waitForURL(/\/console\/contacts\?q=sarah$/);
    await page.getByRole('link', { name: 'Sarah M. Johnson' }).click();
    await page.waitForURL(/\/console\/contacts\/42$/);
    await page.getByRole('heading', { name: /Sarah M\. Johnson/ }).waitFor();

    const timeline = page.locator('#timeline');
    const entries = timeline.getByTestId('audit-entry');
    await entries.nth(1).waitFor();
    expect(await entries.allTextContents()).toEqual([
      expect.stringMatching(/contact\.created late.*Name: — → Sarah Johnson/),
      expect.stringMatching(/contact\.updated.*Name: Sarah Johnson → Sarah M\. Johnson/),
    ]);
    expect(await entries.nth(1).locator('.badge-late').count()).toBe(0);
    const received = entries.nth(0).locator('time').nth(1);
    expect(await received.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\dT/);

    await page.locator('#conversation .message').nth(1).waitFor();
    expect(await page.locator('#conversation').textContent()).toContain('Hi, I need help with my order.');
    await page.locator('#bookings').getByRole('link', { name: /Consultation/ }).waitFor();
    await page.locator('#tickets').getByRole('link', { name: 'Issue with booking confirmation' }).waitFor();
    await page.locator('#raw-events details').nth(1).waitFor();
    await shoot(page, 'console-contact');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download audit as CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('contact-42-audit.csv');
    const csvText = readFileSync((await csv.path()) ?? '', 'utf8');
    expect(csvText.split('\n')[0]).toMatch(/field/);
    expect(csvText).toContain('Sarah M. Johnson');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download audit as JSON' }).click()]);
    expect(JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')).entries).toHaveLength(2);
    expect(await page.locator('#raw-events details').count()).toBe(2);

    await page.getByLabel('Contact as of').fill('2026-03-04T12:02:00');
    await page.getByRole('button', { name: 'Show the contact as it was' }).click();
    await page.waitForURL(/as_of=2026-03-04T12%3A02%3A00\.000Z/);
    const asOf = page.getByTestId('as-of-contact');
    await asOf.waitFor();
    expect(await asOf.textContent()).toContain('Sarah Johnson');
    expect(await asOf.textContent()).not.toContain('Sarah M. Johnson');

    await page.reload();
    await page.getByTestId('as-of-contact').waitFor();
    expect(await page.getByTestId('as-of-contact').textContent()).toContain('Sarah Johnson');

    await page.goBack();
    await page.waitForURL(/\/console\/contacts\/42$/);
    await page.goBack();
    await page.waitForURL(/\/console\/contacts\?q=sarah$/);
    expect(await page.getByRole('searchbox', { name: 'Search contacts' }).inputValue()).toBe('sarah');
    await page.getByRole('link', { name: 'Sarah M. Johnson' }).waitFor();
  });

  it('filters contacts by tag and blacklisted; a deleted contact shows only with "Include deleted", badged, as its tombstone', async () => {
    const page = await openPage('/console/contacts');
    await page.getByLabel('Tag').fill('vip');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/tag=vip/);
    await page.getByRole('link', { name: 'Sarah M. Johnson' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Blacklisted').selectOption('true');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No contact matches.').waitFor();

    await page.goto(url('/console/contacts?q=dora'));
    await page.getByText('No contact matches.').waitFor();
    await page.getByLabel('Include deleted').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/include_deleted=true/);
    const row = page.locator('tbody tr', { hasText: 'Dora Deleted' });
    await row.locator('.badge-deleted').waitFor();
    await row.getByRole('link', { name: 'Dora Deleted' }).click();
    await page.getByText(/This contact was deleted/).waitFor();
    await page.locator('#timeline').getByTestId('audit-entry').nth(1).waitFor();
    expect(await page.locator('#timeline').getByTestId('audit-entry').nth(1).textContent()).toMatch(/contact\.deleted.*Deleted/);
  });

  it('bookings by status and start date, one booking with its anomaly; tickets by status and priority', async () => {
    const page = await openPage('/console/bookings');
    await page.getByLabel('Status').selectOption('cancelled');
    await page.getByLabel('Starts from').fill('2026-03-10T00:00:00');
    await page.getByRole('button', { name: 'Show bookings' }).click();
    await page.waitForURL(/status=cancelled/);
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.allTextContents()).toEqual([expect.stringMatching(/Consultation.*cancelled.*1 anomaly/)]);
    await page.getByRole('link', { name: /Consultation/ }).click();
    await page.waitForURL(/\/console\/bookings\/101$/);
    await page.getByRole('heading', { name: 'Anomalies' }).waitFor();
    await page.locator('.anomalies li').first().waitFor();
    expect(await page.locator('.anomalies').textContent()).toContain('booking.completed');
    await page.locator('details.raw-event').nth(2).waitFor();

    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.waitForURL(/\/console\/tickets$/);
    await page.getByLabel('Priority').fill('normal');
    await page.getByRole('button', { name: 'Show tickets' }).click();
    await page.waitForURL(/priority=normal/);
    await page.getByRole('link', { name: 'Issue with booking confirmation' }).waitFor();
    await page.getByLabel('Priority').fill('urgent');
    await page.getByRole('button', { name: 'Show tickets' }).click();
    await page.getByText('No tickets.').waitFor();
  });

  it('says so when a contact is unknown, and the keyboard reaches the search box from the top of the page', async () => {
    const page = await openPage('/console/contacts/31337');
    await page.getByRole('alert').getByText(/Not found/).waitFor();
    expect(await page.locator('#timeline').count()).toBe(0);

    // By keyboard alone: from the top of the overview to a search result.
    await page.goto(url('/console/'));
    await page.getByTestId('head-position').waitFor();
    const focusedName = () => page.evaluate<string>('document.activeElement?.textContent?.trim() ?? ""');
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Skip to content');
    const visited: string[] = [];
    while (visited.length < 10 && (await focusedName()) !== 'Contacts') {
      await page.keyboard.press('Tab');
      visited.push(await focusedName());
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/contacts$/);
    const search = page.getByRole('searchbox', { name: 'Search contacts' });
    await expect.poll(() => search.evaluate((element) => element.ownerDocument.activeElement === element)).toBe(true);
    await page.keyboard.type('omar');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=omar/);
    await page.getByText('No contact matches.').waitFor();
  });

  it('shows a contact named with markup as text and runs nothing', async () => {
    const page = await openPage(`/console/contacts?q=${encodeURIComponent('onerror')}`);
    const link = page.getByRole('link', { name: MARKUP_NAME });
    await link.waitFor();
    await link.click();
    await page.getByRole('heading', { name: MARKUP_NAME }).waitFor();
    await page.locator('#raw-events summary').first().click();
    await page.locator('#raw-events pre').first().waitFor();
    expect(await page.locator('#raw-events pre').first().textContent()).toContain(MARKUP_NAME);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it('quarantine: every kept delivery with its body as text; retry one and all behind a confirmation, with the outcome', async () => {
    const page = await openPage('/console/quarantine');
    const items = page.getByTestId('quarantine-item');
    await items.nth(1).waitFor();
    expect(await items.nth(0).textContent()).toMatch(/contact\.created.*older version.*passes now/);
    expect(await items.nth(1).textContent()).toMatch(/still invalid/);

    await items.nth(1).getByRole('button', { name: /View body/ }).click();
    const body = page.getByTestId('quarantine-body');
    await body.waitFor();
    expect(JSON.parse((await body.textContent()) ?? '')).toEqual(invalidDelivery);
    expect(await page.locator('main script').count()).toBe(0);
    await shoot(page, 'console-quarantine');

    await items.nth(0).getByRole('button', { name: `Retry delivery ${passesNow.delivery_id} (contact.created)` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('retry-outcomes').count()).toBe(0);

    await items.nth(0).getByRole('button', { name: `Retry delivery ${passesNow.delivery_id} (contact.created)` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, retry this delivery' }).click();
    await page.getByTestId('retry-outcomes').waitFor();
    expect(await page.getByTestId('retry-outcomes').textContent()).toContain(`delivery ${passesNow.delivery_id} (contact.created): appended → contact-601`);
    await expect.poll(() => items.nth(0).textContent()).toMatch(/retried/);

    await page.getByRole('button', { name: 'Retry all deliveries' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, retry all' }).click();
    await expect.poll(() => page.getByTestId('retry-outcomes').textContent()).toMatch(/Retry of all done: \d+ retried\..*duplicate: 1.*still invalid: [1-9]/);
  });

  it('says the store is unavailable in a banner, never a blank page', async () => {
    const page = await newPage();
    await page.route('**/overview', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Event store unavailable', status: 503, detail: 'event store unavailable: disk I/O error' }),
      }),
    );
    await page.goto(url('/console/'));
    const banner = page.getByRole('alert');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/event store is unavailable.*disk I\/O error/);
  });

  it('fits a 390×844 phone: no page-wide horizontal scrolling on the overview, a contact and quarantine', async () => {
    for (const path of ['/console/', '/console/contacts/42', '/console/quarantine']) {
      const page = await openPage(path, PHONE);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      // A string: the test is compiled without the DOM library.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    }
  });

  it('renders a contact with 200 audit entries and 500 messages (time printed, not asserted)', async () => {
    await post(bigContact());
    await settle();
    const page = await openPage('/console/');
    const started = Date.now();
    await page.goto(url('/console/contacts/900'));
    // Polled on every animation frame: the first frame in which both sections are complete.
    // A function, not a string: the console's CSP forbids evaluating strings. (Tests compile without the DOM library.)
    // It reads the clock in the first animation frame in which both sections are complete.
    type Dom = {
      document: { querySelectorAll: (selector: string) => { length: number } };
      performance: { now: () => number; getEntriesByType: (type: string) => { responseEnd: number }[] };
    };
    const done = await page.waitForFunction(
      () => {
        const { document, performance } = globalThis as unknown as Dom;
        const complete = document.querySelectorAll('[data-testid=audit-entry]').length === 200 && document.querySelectorAll('#conversation .message').length === 500;
        return complete && { rendered: performance.now(), lastResponse: Math.max(...performance.getEntriesByType('resource').map((entry) => entry.responseEnd)) };
      },
      undefined,
      { polling: 'raf', timeout: 20_000 },
    );
    const elapsed = Date.now() - started;
    const timings = (await done.jsonValue()) as { rendered: number; lastResponse: number };
    expect(await page.getByTestId('audit-entry').count()).toBe(200);
    expect(await page.locator('#conversation .message').count()).toBe(500);
    console.log(
      `contact page with 200 audit entries and 500 messages: ${Math.round(timings.rendered - timings.lastResponse)} ms from the last API answer to both sections on screen; ` +
        `${elapsed} ms from navigation (page load and the API's answers over loopback included)`,
    );
  });

  it('keeps every script on the page from the server itself: no other origin is contacted', async () => {
    const page = await openPage('/console/');
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    await page.reload();
    await page.getByTestId('head-position').waitFor();
    expect([...origins]).toEqual([new URL(url('/')).origin]);
    expect(readFileSync('dist/console/index.html', 'utf8')).not.toMatch(/https?:\/\//);
  });
});
