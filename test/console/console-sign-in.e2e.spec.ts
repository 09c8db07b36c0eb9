import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, launchBrowser, watchPage } from '../support/browser.js';
import { postOverHttp } from '../support/post-over-http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sarahFirstWave } from './console-deliveries.js';

const TOKEN = 'console-test-token-8f3a-0123456789abcdef';

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
});
