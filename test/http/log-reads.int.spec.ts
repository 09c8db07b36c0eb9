import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Service } from '../../src/server.js';
import type { EventToAppend, OpenedStore } from '../../src/store/event-store.js';
import { openEventStore, type OpenEventStoreOptions } from '../../src/store/open-event-store.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const STREAM = 'contact-77';
const EVENTS = 400;

const at = (n: number) => new Date(Date.UTC(2026, 2, 4, 12) + n * 1000).toISOString().replace('Z', '000Z');

/** Contact 77 created, then renamed again and again: a long stream read straight from the log. */
const contactHistory = (): EventToAppend[] =>
  Array.from({ length: EVENTS }, (_, n) => ({
    id: randomUUID(),
    type: n === 0 ? 'contact.created' : 'contact.updated',
    data: { contact: { id: 77, name: `Name ${n}`, [n === 0 ? 'created_at' : 'updated_at']: at(n) } },
    metadata: { delivery_id: `long-${n}`, envelope_timestamp: at(n) },
  }));

/**
 * The configured store, but reads of contact 77's stream after the first `passed` wait until `release()`: the
 * readers that got that far stay in flight, and `held()` says how many are waiting.
 */
const holdingReads = (passed: number) => {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  let held = 0;
  const open = async (config: Config, options: OpenEventStoreOptions): Promise<OpenedStore> => {
    const store = await openEventStore(config, options);
    return {
      ...store,
      readStream: async (stream, readOptions) => {
        if (stream === STREAM && ++reads > passed) {
          held += 1;
          await released;
        }
        return store.readStream(stream, readOptions);
      },
    };
  };
  return { open, release, held: () => held, reads: () => reads };
};

describe('reads of the log (audit, history, as-of) under a crowd', () => {
  const cleanup = cleanupAfterEach();

  const serviceWith = async (env: Record<string, string>, open: ReturnType<typeof holdingReads>['open']): Promise<Service> => {
    const dir = makeTempDir('log-reads');
    cleanup.push(dir.remove);
    const service = await serviceHarness(dir.path, env, undefined, (config) => open(config, {}));
    cleanup.push(service.close);
    const appended = await service.store.append(STREAM, contactHistory(), 'no_stream');
    expect(E.isRight(appended)).toBe(true);
    return service;
  };

  it('answers readers beyond MAX_INFLIGHT_LOG_READS at once with 429 and Retry-After, and serves those it took', async () => {
    const store = holdingReads(0);
    const service = await serviceWith({ MAX_INFLIGHT_LOG_READS: '2' }, store.open);
    const urls = ['/contacts/77/audit', '/contacts/77/history', `/contacts/77?as_of=${at(9)}`, '/contacts/77?at_revision=3', '/contacts/77/audit?format=csv'];
    const answered: { status: number; retryAfter: unknown }[] = [];
    const crowd = urls.map(async (url) => {
      const response = await service.app.inject({ method: 'GET', url });
      answered.push({ status: response.statusCode, retryAfter: response.headers['retry-after'] });
    });
    // Two readers hold their reads of the stream; the other three must not wait behind them.
    await vi.waitFor(() => expect(answered).toHaveLength(3), { timeout: 5_000 });
    expect(answered).toEqual(Array.from({ length: 3 }, () => ({ status: 429, retryAfter: '1' })));
    expect(store.held()).toBe(2);
    store.release();
    await Promise.all(crowd);
    expect(answered.slice(3).map((answer) => answer.status)).toEqual([200, 200]);
  });

  it('stops reading the stream once the client has gone', async () => {
    const store = holdingReads(2);
    const service = await serviceWith({}, store.open);
    const audits: number[] = [];
    service.app.addHook('onSend', async (request, reply, payload) => {
      if (request.url === '/contacts/77/audit') audits.push(reply.statusCode);
      return payload;
    });
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = service.app.server.address() as AddressInfo;
    const client = get(`http://127.0.0.1:${port}/contacts/77/audit`);
    const gone = new Promise((resolve) => client.once('error', resolve));
    await vi.waitFor(() => expect(store.held()).toBe(1), { timeout: 5_000 });
    client.destroy();
    await gone;
    const connections = () => new Promise<number>((resolve) => service.app.server.getConnections((_error, count) => resolve(count)));
    await vi.waitFor(async () => expect(await connections()).toBe(0), { timeout: 5_000 });
    store.release();
    // The read ends as soon as it sees the client gone: 499 (client closed request), which nobody receives.
    await vi.waitFor(() => expect(audits).toHaveLength(1), { timeout: 10_000 });
    expect(audits).toEqual([499]);
    expect(store.reads()).toBeLessThanOrEqual(4);
  });
});
