import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser.js';
import { consoleSession, PHONE } from '../support/console-session.js';
import { deletedContact, invalidDelivery, sarahFirstWave, sarahSecondWave } from './console-deliveries.js';

/** Every view of the console, with what its title starts with and the section its navigation marks. */
const VIEWS = [
  { path: '/console/', title: 'Overview', section: 'Overview' },
  { path: '/console/contacts', title: 'Contacts', section: 'Contacts' },
  { path: '/console/contacts/42', title: 'Sarah M. Johnson', section: 'Contacts' },
  { path: '/console/contacts/808', title: 'Dora Deleted', section: 'Contacts' },
  { path: '/console/bookings', title: 'Bookings', section: 'Bookings' },
  { path: '/console/bookings/101', title: 'Consultation – Sarah Johnson', section: 'Bookings' },
  { path: '/console/tickets', title: 'Tickets', section: 'Tickets' },
  { path: '/console/tickets/55', title: 'Issue with booking confirmation', section: 'Tickets' },
  { path: '/console/deliveries', title: 'Deliveries', section: 'Deliveries' },
  { path: `/console/deliveries/${invalidDelivery.delivery_id}`, title: `Delivery ${invalidDelivery.delivery_id}`, section: 'Deliveries' },
  { path: '/console/quarantine', title: 'Quarantine', section: 'Quarantine' },
] as const;

/** A problem answer as the API gives one. */
const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title, status, detail }),
});

describeInBrowser('records in the console: linked, labelled, titled, on a phone, through refusals', () => {
  const { url, openPage, newPage } = consoleSession('console-records', {
    timezoneId: 'Europe/Paris',
    seed: async ({ post, settle }) => {
      await post(sarahFirstWave);
      await settle();
      await post([...sarahSecondWave, invalidDelivery, ...deletedContact]);
      await settle();
    },
  });

  it('a booking names its contact, linked; lists ask once per distinct contact; the contact page links its bookings and tickets', async () => {
    const page = await openPage('/console/');
    await page.getByTestId('head-position').waitFor();
    const contactRequests: string[] = [];
    page.on('request', (request) => {
      if (/^\/contacts\/[^/]+$/.test(new URL(request.url()).pathname)) contactRequests.push(request.url());
    });
    await page.goto(url('/console/bookings'));
    const rows = page.locator('tbody tr');
    await rows.nth(1).waitFor();
    await expect.poll(() => rows.getByRole('link', { name: 'Sarah M. Johnson', exact: true }).count()).toBe(await rows.count());
    expect(contactRequests).toHaveLength(1);

    await page.getByRole('link', { name: /Consultation/ }).first().click();
    await page.waitForURL(/\/console\/bookings\/101$/);
    const fields = page.locator('dl.fields');
    await fields.getByRole('link', { name: 'Sarah M. Johnson', exact: true }).click();
    await page.waitForURL(/\/console\/contacts\/42$/);
    await page.locator('#bookings').getByRole('link', { name: /Consultation/ }).waitFor();
    expect(await page.locator('#bookings tbody tr').count()).toBe(2);
    for (const row of await page.locator('#bookings tbody tr').all()) expect(await row.locator('th a').getAttribute('href')).toMatch(/^\/console\/bookings\/10[12]$/);
    expect(await page.locator('#tickets th a').getAttribute('href')).toBe('/console/tickets/55');
    // One each for the list, the booking and the contact's own page: its tables need no name (no contact column).
    await page.waitForLoadState('networkidle');
    expect(contactRequests).toHaveLength(3);
    expect(await page.locator('#bookings thead th').allTextContents()).not.toContain('Contact');
  });

  it('falls back to the id when a contact cannot be fetched', async () => {
    const page = await newPage();
    await page.route(/\/contacts\/42$/, (route) => route.fulfill(problem(503, 'Event store unavailable', 'disk I/O error')));
    await page.goto(url('/console/tickets'));
    const link = page.locator('tbody tr').first().getByRole('link', { name: 'Contact 42', exact: true });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/console/contacts/42');
  });

  it('reads like a record: human labels, tags as tags, local times with the zone named once and the stored value on hover, plurals right', async () => {
    const page = await openPage('/console/contacts/42');
    await page.getByRole('heading', { name: /Sarah M\. Johnson/ }).waitFor();
    const labels = await page.locator('dl.fields dt').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['Name', 'Email', 'Created', 'Last updated', 'Tags']));
    expect(labels.filter((label) => /_|^[a-z]/.test(label))).toEqual([]);
    const tags = page.locator('dl.fields .tags li');
    expect(await tags.allTextContents()).toContain('vip');
    expect(await page.locator('dl.fields').textContent()).not.toContain('["');

    expect(await page.getByTestId('time-zone').count()).toBe(1);
    expect(await page.getByTestId('time-zone').textContent()).toContain('Europe/Paris');
    const created = page.locator('dl.fields div', { hasText: 'Created' }).locator('time');
    expect(await created.getAttribute('title')).toBe('2026-03-04T12:00:00.000000Z');
    expect(await created.textContent()).toContain('13:00:00');

    const entries = page.locator('#timeline').getByTestId('audit-entry');
    await entries.nth(1).waitFor();
    const changedTime = entries.nth(1).locator('.changes li', { hasText: 'Last updated' }).locator('time').last();
    expect(await changedTime.getAttribute('title')).toMatch(/^2026-03-04T12:05:00/);
    expect(await entries.nth(1).locator('.changes').textContent()).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{6}Z/);

    const summary = page.getByRole('list', { name: 'Summary' });
    await summary.locator('li').first().waitFor();
    const items = await summary.locator('li').allTextContents();
    expect(items.filter((item) => /^1 \D+s$/.test(item))).toEqual([]);
    expect(items).toContain('1 cancelled booking');
  });

  it('says "not found" once; names each kept delivery by its delivery id and event, prints its reason once, and shows a retry\'s outcome', async () => {
    const page = await openPage('/console/contacts/999999', PHONE);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Not found: no contact 999999.');

    await page.goto(url('/console/quarantine'));
    const item = page.getByTestId('quarantine-item');
    await item.waitFor();
    const text = (await item.textContent()) ?? '';
    expect(text.split('data.contact.id').length - 1).toBe(1);
    expect(text).toContain(invalidDelivery.delivery_id);
    await item.getByRole('button', { name: `Retry delivery ${invalidDelivery.delivery_id} (contact.created)` }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(`Retry delivery ${invalidDelivery.delivery_id} (contact.created)?`);
    await dialog.getByRole('button', { name: 'Yes, retry this delivery' }).click();
    const outcome = page.getByTestId('retry-outcomes');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain(`delivery ${invalidDelivery.delivery_id} (contact.created): still invalid`);
    const box = await outcome.boundingBox();
    expect(box?.y).toBeGreaterThanOrEqual(0);
    expect(box?.y).toBeLessThan(PHONE.height);
  });

  it('titles each view by what it shows first and marks its section in the navigation', async () => {
    const page = await openPage('/console/');
    for (const view of VIEWS) {
      await page.goto(url(view.path));
      await expect.poll(() => page.title(), { message: view.path }).toBe(`${view.title} · SkyLight console`);
      const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
      expect(await current.allTextContents(), view.path).toEqual([view.section]);
    }
  });

  it('fits a 390 px phone: no view wider than the screen, tables as stacked rows, nothing scrolled out of sight', async () => {
    const page = await openPage('/console/', PHONE);
    for (const view of VIEWS) {
      await page.goto(url(view.path));
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      // Strings: the test is compiled without the DOM library.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), view.path).toBeLessThanOrEqual(PHONE.width);
      const hidden = await page.evaluate<number>('[...document.querySelectorAll(".table-wrap")].filter((box) => box.scrollWidth > box.clientWidth).length');
      expect(hidden, view.path).toBe(0);
      const unstacked = '[...document.querySelectorAll(".table-wrap tbody tr")].filter((row) => getComputedStyle(row).display !== "block").length';
      expect(await page.evaluate<number>(unstacked), view.path).toBe(0);
    }
  });

  it('says so when the API turns a request away (429) or is unavailable (503), and retries on request', async () => {
    const page = await openPage('/console/');
    let refused = 0;
    const ticketList = (address: URL) => address.pathname === '/tickets';
    await page.route(ticketList, (route) => {
      refused += 1;
      return route.fulfill(problem(429, 'Too many requests', 'too many heavy reads at once', { 'retry-after': '2' }));
    });
    await page.goto(url('/console/tickets'));
    const banner = page.getByRole('alert');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/busy.*too many heavy reads at once.*wait 2 s/);
    await page.unroute(ticketList);
    await banner.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('link', { name: 'Issue with booking confirmation' }).waitFor();
    expect(refused).toBe(1);

    const audit = /\/contacts\/42\/audit$/;
    await page.route(audit, (route) => route.fulfill(problem(503, 'Event store unavailable', 'disk I/O error')));
    await page.goto(url('/console/contacts/42'));
    const timeline = page.locator('#timeline');
    await timeline.getByRole('alert').waitFor();
    expect(await timeline.getByRole('alert').textContent()).toMatch(/unavailable.*disk I\/O error/);
    await page.unroute(audit);
    await timeline.getByRole('button', { name: 'Try again' }).click();
    await timeline.getByTestId('audit-entry').nth(1).waitFor();
  });
});
