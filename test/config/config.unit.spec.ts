import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { MIN_API_TOKEN_LENGTH, MIN_WEBHOOK_SECRET_LENGTH, parseConfig, readModelPath, type Config } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded store on loopback port 3000 under ./data', () => {
    expect(parseConfig({})).toEqual(
      E.right(
        expect.objectContaining({
          PORT: 3000,
          HOST: '127.0.0.1',
          DATA_DIR: './data',
          EVENT_STORE: 'sqlite',
          SQLITE_DURABILITY: 'full',
          MAX_BODY_BYTES: 1024 * 1024,
        }),
      ),
    );
    const config = parseConfig({});
    expect(E.isRight(config) && [config.right.WEBHOOK_SECRET, config.right.API_TOKEN]).toEqual([undefined, undefined]);
  });

  it('reads numbers, and credentials exactly as given', () => {
    const token = ` tok_${'t'.repeat(40)} `;
    const config = parseConfig({ PORT: '8080', MAX_BODY_BYTES: '2048', API_TOKEN: token });
    expect(config).toEqual(E.right(expect.objectContaining({ PORT: 8080, MAX_BODY_BYTES: 2048, API_TOKEN: token })));
  });

  it('has connection limits by default: request, headers and idle timeouts, and a connection cap', () => {
    expect(parseConfig({})).toEqual(
      E.right(expect.objectContaining({ REQUEST_TIMEOUT_MS: 30_000, HEADERS_TIMEOUT_MS: 10_000, CONNECTION_TIMEOUT_MS: 10_000, MAX_CONNECTIONS: 1024 })),
    );
  });

  it('lets twice as many log reads (audit, history, as-of) run at once as there are cores, at least 4', () => {
    expect(parseConfig({})).toEqual(E.right(expect.objectContaining({ MAX_INFLIGHT_LOG_READS: Math.max(4, 2 * availableParallelism()) })));
    expect(parseConfig({ MAX_INFLIGHT_LOG_READS: '1' })).toEqual(E.right(expect.objectContaining({ MAX_INFLIGHT_LOG_READS: 1 })));
    expect(E.isLeft(parseConfig({ MAX_INFLIGHT_LOG_READS: '0' }))).toBe(true);
  });

  it.each(['WEBHOOK_SECRET', 'API_TOKEN'])('refuses %s set but blank (it would turn the check off), naming it', (variable) => {
    for (const blank of ['', '   ', '\t']) {
      const config = parseConfig({ [variable]: blank });
      expect(E.isLeft(config) && config.left).toBe(`invalid configuration:\n  ${variable}: set but blank: give a value or unset the variable`);
    }
  });

  it(`refuses an API_TOKEN shorter than ${MIN_API_TOKEN_LENGTH} characters, naming it`, () => {
    const config = parseConfig({ API_TOKEN: 'x'.repeat(MIN_API_TOKEN_LENGTH - 1) });
    expect(E.isLeft(config) && config.left).toBe(`invalid configuration:\n  API_TOKEN: must be at least ${MIN_API_TOKEN_LENGTH} characters`);
    expect(parseConfig({ API_TOKEN: 'x'.repeat(MIN_API_TOKEN_LENGTH) })._tag).toBe('Right');
    expect(parseConfig({ WEBHOOK_SECRET: 'x'.repeat(MIN_WEBHOOK_SECRET_LENGTH) })._tag).toBe('Right');
  });

  it('refuses WEBHOOK_TOLERANCE_S: the provider does not sign its timestamp, so no replay window would hold', () => {
    const config = parseConfig({ WEBHOOK_TOLERANCE_S: '300' });
    expect(E.isLeft(config) && config.left).toMatch(/^invalid configuration:\n {2}WEBHOOK_TOLERANCE_S: not supported: X-Skylight-Timestamp is not covered by the signature/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '' }, 'PORT'],
    [{ PORT: ' 80' }, 'PORT'],
    [{ EVENT_STORE: 'postgres' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'ESDB_CONNECTION_STRING'],
    [{ SQLITE_DURABILITY: 'paranoid' }, 'SQLITE_DURABILITY'],
    [{ MAX_BODY_BYTES: '0' }, 'MAX_BODY_BYTES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ STALL_AFTER_MS: 'soon' }, 'STALL_AFTER_MS'],
    [{ STALL_AFTER_MS: '0' }, 'STALL_AFTER_MS'],
    [{ WEBHOOK_SECRET: `${'a'.repeat(16)},,${'b'.repeat(16)}` }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_SECRET: `${'a'.repeat(16)},` }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_SECRET: 'short' }, 'WEBHOOK_SECRET'],
    [{ REQUEST_TIMEOUT_MS: '0' }, 'REQUEST_TIMEOUT_MS'],
    [{ HEADERS_TIMEOUT_MS: '40000' }, 'HEADERS_TIMEOUT_MS'],
    [{ CONNECTION_TIMEOUT_MS: 'soon' }, 'CONNECTION_TIMEOUT_MS'],
    [{ MAX_CONNECTIONS: '-1' }, 'MAX_CONNECTIONS'],
  ])('names the variable in error for %j', (env, variable) => {
    const config = parseConfig(env);
    expect(E.isLeft(config) && config.left).toMatch(new RegExp(`^invalid configuration:\\n  ${variable}: `));
  });

  it('reads WEBHOOK_SECRET as a comma-separated list of secrets, trimmed, in order', () => {
    const [fresh, old] = [`whsec_${'n'.repeat(32)}`, `whsec_${'o'.repeat(32)}`];
    expect(parseConfig({ WEBHOOK_SECRET: ` ${fresh} , ${old}` })).toEqual(E.right(expect.objectContaining({ WEBHOOK_SECRET: [fresh, old] })));
    expect(parseConfig({ WEBHOOK_SECRET: fresh })).toEqual(E.right(expect.objectContaining({ WEBHOOK_SECRET: [fresh] })));
  });

  it('says which entry of WEBHOOK_SECRET is wrong, without repeating any secret', () => {
    const secret = `whsec_${'s'.repeat(32)}`;
    const config = parseConfig({ WEBHOOK_SECRET: `${secret},,tooshort` });
    expect(E.isLeft(config) && config.left).toBe(
      'invalid configuration:\n' +
        '  WEBHOOK_SECRET: entry 2 of 3 is empty (secrets are separated by commas)\n' +
        '  WEBHOOK_SECRET: entry 3 of 3 is shorter than 16 characters',
    );
  });

  it('keeps the read model in the data directory unless READ_MODEL_DB names another file', () => {
    const config = (env: Record<string, string>) => (E.isRight(parseConfig(env)) ? readModelPath((parseConfig(env) as E.Right<Config>).right) : undefined);
    expect(config({ DATA_DIR: '/srv/log' })).toBe(join('/srv/log', 'read-model.db'));
    expect(config({ DATA_DIR: '/srv/log', READ_MODEL_DB: '/var/node-a/read-model.db' })).toBe('/var/node-a/read-model.db');
  });
});
