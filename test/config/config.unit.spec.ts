import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded store on loopback port 3000 under ./data', () => {
    expect(parseConfig({})).toEqual(
      E.right(
        expect.objectContaining({
          PORT: 3000,
          HOST: '127.0.0.1',
          DATA_DIR: './data',
          EVENT_STORE: 'sqlite',
          SQLITE_DURABILITY: 'normal',
          MAX_BODY_BYTES: 1024 * 1024,
        }),
      ),
    );
    const config = parseConfig({});
    expect(E.isRight(config) && [config.right.WEBHOOK_SECRET, config.right.API_TOKEN]).toEqual([undefined, undefined]);
  });

  it('reads numbers and treats blank secrets as unset', () => {
    const config = parseConfig({ PORT: '8080', MAX_BODY_BYTES: '2048', WEBHOOK_SECRET: '  ', API_TOKEN: 't' });
    expect(config).toEqual(E.right(expect.objectContaining({ PORT: 8080, MAX_BODY_BYTES: 2048, API_TOKEN: 't' })));
    expect(E.isRight(config) && config.right.WEBHOOK_SECRET).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'postgres' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'ESDB_CONNECTION_STRING'],
    [{ SQLITE_DURABILITY: 'paranoid' }, 'SQLITE_DURABILITY'],
    [{ MAX_BODY_BYTES: '0' }, 'MAX_BODY_BYTES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('names the variable in error for %j', (env, variable) => {
    const config = parseConfig(env);
    expect(E.isLeft(config) && config.left).toMatch(new RegExp(`^invalid configuration:\\n  ${variable}: `));
  });
});
