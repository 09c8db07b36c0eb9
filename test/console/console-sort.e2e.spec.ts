import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser.js';
import { consoleSession } from '../support/console-session.js';
import { sortableDeliveries } from '../support/sortable-deliveries.js';

/** 60 more tickets than a page holds, created a minute apart, the latest with the lowest id. */
const moreTickets = Array.from({ length: 60 }, (_, index) => ({
  event: 'ticket.created',
  delivery_id: `console-sort-${index}`,
  timestamp: '2026-04-01T00:00:00.000000Z',
  data: {
    ticket: { id: 700 + index, subject: `queued ${700 + index}`, status: 'open', priority: 'low', created_at: `2026-04-01T23:${String(59 - index).padStart(2, '0')}:00.000000Z` },
    contact: { id: 6 },
  },
}));

describeInBrowser('sorting and paging lists in the console', () => {
  const { openPage } = consoleSession('console-sort', {
    seed: async ({ post, settle }) => {
      await post([...sortableDeliveries, ...moreTickets]);
      await settle();
    },
  });

  it('sorts tickets by a header (mouse or keyboard), keeps the sort in the URL, and pages forward and back', async () => {
    const page = await openPage('/console/tickets');
    const created = page.getByRole('columnheader', { name: /Created/ });
    const firstTicket = () => page.locator('tbody tr').first().locator('th').textContent();
    await page.locator('tbody tr').first().waitFor();
    expect(await created.getAttribute('aria-sort')).toBeNull();

    await created.getByRole('link').click();
    await page.waitForURL(/sort=created_at/);
    await expect.poll(() => created.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(firstTicket).toBe('ticket 501');

    // The same header from the keyboard: the link takes the focus and Enter follows it.
    await created.getByRole('link').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=-created_at/);
    await expect.poll(() => created.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(firstTicket).toBe('queued 700');
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0);

    const firstPage = await page.locator('tbody th').allTextContents();
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(firstTicket).not.toBe('queued 700');
    expect(page.url()).toContain('sort=-created_at');

    await page.getByRole('link', { name: 'Previous page' }).click();
    await expect.poll(firstTicket).toBe('queued 700');
    expect(await page.locator('tbody th').allTextContents()).toEqual(firstPage);
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(1);
  });

  it('offers the values that occur in a filter, and matches one without regard to case', async () => {
    const page = await openPage('/console/tickets');
    const offered = page.getByTestId('priority-values').locator('option');
    await expect.poll(() => offered.evaluateAll((options) => options.map((o) => (o as { value: string }).value))).toEqual(['low', 'urgent', 'normal']);
    await page.getByLabel('Priority').fill('URGENT');
    await page.getByRole('button', { name: 'Show tickets' }).click();
    await page.waitForURL(/priority=URGENT/);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(16);
  });
});
