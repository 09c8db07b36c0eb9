import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchBrowser, watchPage } from './browser.js';
import { eventually } from './eventually.js';
import { postOverHttp, type PostAnswer } from './post-over-http.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { makeTempDir } from './temp-dir.js';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export type ConsoleSession = {
  readonly dir: { readonly path: string };
  readonly url: (path: string) => string;
  readonly post: (deliveries: readonly unknown[]) => Promise<PostAnswer[]>;
  /** Waits until the read model has applied everything acknowledged so far (what `/ready` reports). */
  readonly settle: () => Promise<void>;
  /**
   * A page in a fresh browser context (the last one closed), whose script errors, dialogs and CSP violations the
   * test's end checks are none; `newPage` does not go anywhere yet (for a test that routes requests first).
   */
  readonly newPage: (viewport?: { readonly width: number; readonly height: number }) => Promise<Page>;
  readonly openPage: (path: string, viewport?: { readonly width: number; readonly height: number }) => Promise<Page>;
};

type SessionOptions = {
  /** The browser's time zone: what the console shows times in. */
  readonly timezoneId?: string;
  /** Runs on the data directory before the server starts (a log an older version wrote). */
  readonly beforeStart?: (dataDir: string) => Promise<void>;
  /** The deliveries of the suite, posted once the server runs. */
  readonly seed: (session: ConsoleSession) => Promise<void>;
};

/**
 * One server process over a data directory of its own and one browser, for the specs of a `describeInBrowser`
 * block (call it there: it registers the block's hooks). Both are stopped, and the directory removed, also when a
 * test or the seeding fails.
 */
export const consoleSession = (name: string, { timezoneId = 'UTC', beforeStart, seed }: SessionOptions): ConsoleSession => {
  const dir = makeTempDir(name);
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let watched: { problems: string[] } = { problems: [] };

  const url = (path: string) => `${server?.url ?? ''}${path}`;
  const session: ConsoleSession = {
    dir,
    url,
    post: (deliveries) => postOverHttp(server?.url ?? '', deliveries),
    settle: async () => {
      await eventually(
        'the read model has caught up',
        async () => (((await (await fetch(url('/ready'))).json()) as { status: string }).status === 'ready' ? true : undefined),
        10_000,
      );
    },
    newPage: async (viewport = DESKTOP) => {
      await context?.close();
      context = await browser?.newContext({ viewport, timezoneId, locale: 'en-GB' });
      if (context === undefined) throw new Error('no browser');
      // Shorter than the test's own timeout, so that a failure names the step that waited.
      context.setDefaultTimeout(8_000);
      const page = await context.newPage();
      watched = watchPage(page);
      return page;
    },
    openPage: async (path, viewport) => {
      const page = await session.newPage(viewport);
      await page.goto(url(path));
      return page;
    },
  };

  beforeAll(async () => {
    await beforeStart?.(dir.path);
    server = await startServerProcess({ DATA_DIR: dir.path });
    browser = await launchBrowser();
    await seed(session);
  }, 60_000);

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(watched.problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGTERM');
    dir.remove();
  });

  return session;
};
