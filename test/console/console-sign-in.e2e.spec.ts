import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, launchBrowser, watchPage } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { postOverHttp } from '../support/post-over-http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sarahFirstWave } from './console-deliveries.js';

const TOKEN = 'console-test-token-8f3a-0123456789abcdef';
const AUTHORIZED = { authorization: `Bearer ${TOKEN}` };

/** Contact 4242, to be erased by its own test. */
const erin = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0e01-4d6a-8d0a-000000000e01',
  timestamp: '2026-03-05T09:00:00.000000Z',
  data: { contact: { id: 4242, name: 'Erin Erasable', email: 'erin@example.com', tags: ['lead'], created_at: '2026-03-05T09:00:00.000000Z' } },
};

describeInBrowser('the console with API_TOKEN set', () => {
  const dir = makeTempDir('console-token');
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    server = await startServerProcess({ DATA_DIR: dir.path, API_TOKEN: TOKEN });
    browser = await launchBrowser();
    await postOverHttp(server.url, sarahFirstWave);
  }, 60_000);

  const newContext = async (): Promise<BrowserContext> => {
    await context?.close();
    context = await browser?.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
    if (context === undefined) throw new Error('no browser');
    context.setDefaultTimeout(8_000);
    return context;
  };
  const signIn = async (page: Page, path: string) => {
    await page.goto(`${server?.url ?? ''}${path}`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop('SIGTERM');
    dir.remove();
  });

  it('serves its own files without the token, but no data', async () => {
    const url = server?.url ?? '';
    expect((await fetch(`${url}/console/contacts/42`)).status).toBe(200);
    expect((await fetch(`${url}/contacts/42`)).status).toBe(401);
  });

  it('asks for the token once: a wrong one is refused with a message, the right one opens the deep URL, a reload keeps the session', async () => {
    context = await browser?.newContext({ viewport: { width: 1280, height: 800 } });
    if (context === undefined) throw new Error('no browser');
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    const watched = watchPage(page);
    await page.goto(`${server?.url ?? ''}/console/contacts/42`);

    const token = page.getByLabel('API token');
    await token.fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong token: the server refused it.').waitFor();

    await token.fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Sarah M\. Johnson/ }).waitFor();
    expect(page.url()).toMatch(/\/console\/contacts\/42$/);

    await page.reload();
    await page.getByRole('heading', { name: /Sarah M\. Johnson/ }).waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(watched.problems).toEqual([]);
  });

  it('signs in once for every tab of the browser session, keeps the token out of URLs, and a sign-out signs out every tab', async () => {
    const session = await newContext();
    const first = await session.newPage();
    const watchedFirst = watchPage(first);
    await signIn(first, '/console/contacts/42');
    await first.getByRole('heading', { name: /Sarah M\. Johnson/ }).waitFor();

    const second = await session.newPage();
    const watchedSecond = watchPage(second);
    const urls: string[] = [];
    second.on('request', (request) => urls.push(request.url()));
    await second.goto(`${server?.url ?? ''}/console/contacts/42`);
    await second.getByRole('heading', { name: /Sarah M\. Johnson/ }).waitFor();
    expect(urls.filter((address) => address.includes(TOKEN))).toEqual([]);
    // Neither a cookie nor localStorage: only this origin's tabs, each in its own sessionStorage, hold it.
    expect(await second.evaluate<string>('document.cookie + JSON.stringify(localStorage)')).toBe('{}');

    await second.getByRole('button', { name: 'Sign out' }).click();
    await second.getByLabel('API token').waitFor();
    await first.getByLabel('API token').waitFor();
    const third = await session.newPage();
    await third.goto(`${server?.url ?? ''}/console/contacts/42`);
    await third.getByLabel('API token').waitFor();
    expect([...watchedFirst.problems, ...watchedSecond.problems]).toEqual([]);
  });

  it('shows an erased contact as erased: a notice (when, why, which erasure) and its personal fields marked, not "[redacted]"', async () => {
    const url = server?.url ?? '';
    await postOverHttp(url, [erin]);
    const forget = await fetch(`${url}/contacts/4242/forget`, {
      method: 'POST',
      headers: { ...AUTHORIZED, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'erasure request of 2026-03-06' }),
    });
    expect(forget.status).toBe(202);
    const job = await eventually(
      'the forget has finished',
      async () => {
        const current = (await (await fetch(`${url}/erasures/job`, { headers: AUTHORIZED })).json()) as { state: string; outcome?: { erasure?: { erasure_id?: string } } };
        return current.state === 'running' ? undefined : current;
      },
      15_000,
    );
    expect(job.state).toBe('done');
    const erased = await eventually(
      'the read model shows the erasure',
      async () => {
        const contact = (await (await fetch(`${url}/contacts/4242`, { headers: AUTHORIZED })).json()) as { forgotten?: { erasure_id: string } };
        return contact.forgotten;
      },
      10_000,
    );

    const page = await (await newContext()).newPage();
    const watched = watchPage(page);
    await signIn(page, '/console/contacts/4242');
    await page.getByRole('heading', { name: /^Contact 4242/ }).waitFor();
    const notice = page.getByTestId('erasure-notice');
    expect(await notice.textContent()).toMatch(new RegExp(`erased on .*because: erasure request of 2026-03-06\\. Erasure ${erased.erasure_id}`));
    const fields = page.locator('dl.fields').first();
    expect(await fields.locator('div', { hasText: 'Name' }).locator('.erased').count()).toBe(1);
    expect(await fields.locator('div', { hasText: 'Tags' }).locator('.tags li').allTextContents()).toEqual(['lead']);
    expect(await page.locator('main').textContent()).not.toContain('[redacted]');
    expect(await page.locator('main').textContent()).not.toContain('erasure_id');
    await expect.poll(() => page.title()).toBe('Contact 4242 · SkyLight console');
    expect(watched.problems).toEqual([]);
  });
});
