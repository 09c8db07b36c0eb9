import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium; the browser suite never downloads one. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const INSTALL_CHROMIUM = 'sudo apt-get update && sudo apt-get install -y chromium';

export const hasChromium = existsSync(CHROMIUM);

/**
 * `describe` for a browser suite: runs when Chromium is there, else is reported skipped by name, with the command
 * that installs it, and says so loudly on stderr. Never a silent pass.
 */
export const describeInBrowser = (name: string, suite: () => void): void => {
  if (!hasChromium) {
    process.stderr.write(`\n*** SKIPPED browser suite "${name}": no Chromium at ${CHROMIUM}. Install it with: ${INSTALL_CHROMIUM} ***\n\n`);
    describe.skip(`${name} [SKIPPED: no Chromium at ${CHROMIUM}; install with: ${INSTALL_CHROMIUM}]`, suite);
    return;
  }
  describe(name, suite);
};

export const launchBrowser = (): Promise<Browser> =>
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

/** Everything a page did that the console must never do: script errors, dialogs (alert), CSP violations. */
export const watchPage = (page: Page): { readonly problems: string[] } => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('the server responded with a status of')) problems.push(`console error: ${message.text()}`);
  });
  return { problems };
};
