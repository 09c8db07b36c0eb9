import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser.js';
import { consoleSession } from '../support/console-session.js';
import { invalidDelivery, sarahFirstWave, sarahSecondWave } from './console-deliveries.js';

const [updated] = sarahFirstWave;
/** SkyLight's retry of Sarah's update under a new delivery id: the server answers duplicate and stores no event. */
const retry = { ...updated, delivery_id: '0b1e6f0a-0d01-4d6a-8d0a-000000000d01' };
/** An event name this version does not know: kept in webhook-unrecognized, shown nowhere else in the console. */
const merged = { event: 'contact.merged', delivery_id: '0b1e6f0a-0d02-4d6a-8d0a-000000000d02', timestamp: '2026-03-04T14:00:00.000000Z', data: { contact_id: 42, into: 43 } };

describeInBrowser('the delivery log in the console: found by any attempt\'s id, kept ones included', () => {
  const { openPage } = consoleSession('console-delivery-log', {
    seed: async ({ post, settle }) => {
      await post([...sarahFirstWave, ...sarahSecondWave, invalidDelivery, merged]);
      await settle();
      const [answer] = await post([retry]);
      expect(answer?.body.status).toBe('duplicate');
      await settle();
    },
  });

  it('finds a delivery by the delivery id of a retry answered duplicate, and links its contact and its raw event', async () => {
    const page = await openPage('/console/deliveries');
    const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
    expect(await current.allTextContents()).toEqual(['Deliveries']);
    await page.getByTestId('delivery').first().waitFor();
    await page.getByRole('searchbox', { name: 'Search deliveries' }).fill(retry.delivery_id);
    await page.getByRole('button', { name: 'Show deliveries' }).click();
    await page.waitForURL(/q=0b1e6f0a-0d01/);
    const rows = page.getByTestId('delivery');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.textContent()).toContain('contact.updated');
    expect(await rows.getByTestId('attempts').textContent()).toBe('2');
    expect(await rows.getByRole('link', { name: 'contact 42' }).getAttribute('href')).toBe('/console/contacts/42');

    await rows.getByRole('link', { name: /Raw event/ }).click();
    await page.waitForURL(/\/console\/deliveries\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.title()).toBe(`Delivery ${updated?.delivery_id} · SkyLight console`);
    const attempts = page.locator('.attempts li');
    expect(await attempts.allTextContents()).toEqual([expect.stringContaining(updated?.delivery_id ?? ''), expect.stringContaining(retry.delivery_id)]);
    const raw = page.getByTestId('raw-event');
    await raw.waitFor();
    expect(await raw.textContent()).toContain('Sarah M. Johnson');
  });

  it('finds an unrecognized delivery (contact.merged) by its delivery id, and lists it among those kept aside', async () => {
    const page = await openPage(`/console/deliveries?q=${merged.delivery_id}`);
    const row = page.getByTestId('delivery');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/contact\.merged.*unrecognized/);
    await page.getByRole('searchbox', { name: 'Search deliveries' }).fill('');
    await page.getByLabel('Outcome').selectOption('unrecognized');
    await page.getByRole('button', { name: 'Show deliveries' }).click();
    await page.waitForURL(/outcome=unrecognized/);
    await expect.poll(async () => page.getByTestId('delivery').allTextContents()).toEqual([expect.stringContaining('contact.merged')]);
    await page.getByTestId('delivery').getByRole('link', { name: /Raw event/ }).click();
    const raw = page.getByTestId('raw-event');
    await raw.waitFor();
    expect(await raw.textContent()).toContain('webhook-unrecognized');
  });

  it('retries a quarantined delivery from its row, after a confirmation, and says what came of it', async () => {
    const page = await openPage('/console/deliveries?outcome=quarantined');
    const row = page.getByTestId('delivery');
    await row.waitFor();
    await row.getByRole('button', { name: `Retry delivery ${invalidDelivery.delivery_id}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, retry this delivery' }).click();
    const outcome = page.getByTestId('retry-outcomes');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain(`${invalidDelivery.delivery_id} (contact.created): still invalid`);
  });
});
