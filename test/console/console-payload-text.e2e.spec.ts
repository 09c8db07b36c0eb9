import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Delivery } from '../fixtures/reference-deliveries.js';
import { describeInBrowser } from '../support/browser.js';
import { consoleSession, DESKTOP } from '../support/console-session.js';


/** U+202E RIGHT-TO-LEFT OVERRIDE: everything after it, to the end of its paragraph, is laid out right to left. */
const RLO = '\u202e';
const OVERRIDING_NAME = `Eve ${RLO}Mallory`;

/**
 * The longest name a contact can be stored with: the delivery must fit MAX_BODY_BYTES (1 MiB) and, with its
 * metadata, the 1 MiB an event may take (larger ones are quarantined, cut), so about 700 KB is left for the name.
 */
const LONG_NAME = 'W'.repeat(700 * 1024);

const contactCreated = (id: number, contact: Record<string, unknown>): Delivery => ({
  event: 'contact.created',
  delivery_id: `0b1e6f0a-0d${String(id).padStart(2, '0')}-4d6a-8d0a-0000000000d0`,
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { contact: { id, created_at: '2026-03-04T12:00:00.000000Z', ...contact } },
});

describeInBrowser('payload text in the console', () => {
  const { url, openPage } = consoleSession('console-text', {
    seed: async ({ post }) => {
      const answers = await post([
        contactCreated(901, { name: OVERRIDING_NAME, phone: '+44 20 7946 0958', blacklisted: true }),
        contactCreated(902, { name: LONG_NAME, email: 'long@example.com' }),
      ]);
      expect(answers.map((answer) => answer.body.status)).toEqual(['appended', 'appended']);
      const head = Math.max(...answers.map((answer) => answer.body.position ?? 0));
      // Shown once the read model has applied both (min_position waits for it).
      expect((await fetch(url(`/contacts/902?min_position=${head}`))).status).toBe(200);
    },
  });

  /** The badge is drawn after the name (to its right on this left-to-right page), not pulled into its override. */
  const expectBadgeAfterName = async (name: ReturnType<Page['locator']>, badge: ReturnType<Page['locator']>) => {
    expect(await name.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).unicodeBidi)).toBe('isolate');
    expect(await name.locator('.badge').count()).toBe(0);
    const [nameBox, badgeBox] = [await name.boundingBox(), await badge.boundingBox()];
    expect(badgeBox?.x ?? 0).toBeGreaterThanOrEqual((nameBox?.x ?? 0) + (nameBox?.width ?? 0));
  };

  it('isolates a name with a right-to-left override: the blacklisted badge stays outside it, in the list and on the page', async () => {
    const page = await openPage('/console/contacts?q=Eve');
    const row = page.locator('tbody tr', { has: page.locator('a[href="/console/contacts/901"]') });
    await row.waitFor();
    await expectBadgeAfterName(row.locator('bdi', { hasText: 'Mallory' }), row.locator('.badge-blacklisted'));

    await row.getByRole('link').click();
    const heading = page.getByRole('heading', { level: 1 });
    await heading.locator('.badge-blacklisted').waitFor();
    await expectBadgeAfterName(heading.locator('bdi', { hasText: 'Mallory' }), heading.locator('.badge-blacklisted'));
  });

  it('clips a 700 KB name: the contacts table stays about as wide as the window, the whole name in its title', async () => {
    const page = await openPage('/console/contacts');
    const link = page.locator('a[href="/console/contacts/902"]');
    await link.waitFor();
    const tableWidth = await page.locator('.table-wrap table').evaluate((table) => table.scrollWidth);
    expect(tableWidth).toBeLessThan(1.5 * DESKTOP.width);
    expect(await link.locator('bdi').getAttribute('title')).toBe(LONG_NAME);

    await link.click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(DESKTOP.width);
  });
});
