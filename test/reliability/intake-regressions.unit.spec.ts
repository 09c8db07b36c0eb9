import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { routeDelivery, type QuarantineRecordData } from '../../src/events/route-delivery.js';
import { nestedText } from './hostile-deliveries.js';

/** Cases the intake fuzz found, kept as plain specifications. */
describe('routing hostile bodies (found by the intake fuzz)', () => {
  it('quarantines a prototype key beside 100 000 levels of nesting, without walking the nesting recursively', () => {
    const body = Buffer.from(
      `{"event":"contact.created","delivery_id":"d","timestamp":1,"__proto__":{"polluted":"yes"},"data":{"deep":${nestedText(100_000, 'array')}}}`,
    );
    const routed = E.toUnion(routeDelivery(body));
    expect(routed.outcome).toBe('quarantined');
    expect('issues' in routed && routed.issues).toEqual([{ path: expect.stringMatching(/^\$\.data\.deep(\[0\])+$/), message: 'nested deeper than 32 levels' }]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads the JSON after a byte order mark, and keeps the mark when it quarantines the body', () => {
    const json = '{"event":"contact.created","delivery_id":"d","timestamp":1,"data":{"contact":{"id":" bad"}}}';
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
    const routed = E.toUnion(routeDelivery(body));
    expect(routed.outcome).toBe('quarantined');
    expect(Buffer.from((routed.record.data as QuarantineRecordData).body_text ?? '').equals(body)).toBe(true);
  });
});
