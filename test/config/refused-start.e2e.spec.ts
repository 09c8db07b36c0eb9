import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The real entry point, started with one bad variable: it must not start, and must say which variable. */
const start = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'silent', PORT: '0', DATA_DIR: '/nonexistent/never-created', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('a start with bad configuration', () => {
  it.each([
    ['an empty secret in the list', { WEBHOOK_SECRET: `${'a'.repeat(20)},,${'b'.repeat(20)}` }, 'WEBHOOK_SECRET: entry 2 of 3 is empty'],
    ['a non-numeric STALL_AFTER_MS', { STALL_AFTER_MS: 'soon' }, 'STALL_AFTER_MS: '],
  ])('stops with exit code 2 and names the variable: %s', (_name, env, message) => {
    const run = start(env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('invalid configuration:');
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('a'.repeat(20));
  }, 40_000);
});
