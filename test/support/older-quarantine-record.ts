import { quarantineEventId } from '../../src/events/canonical-json.js';
import { QUARANTINED_EVENT_TYPE, type QuarantineRecordData } from '../../src/events/route-delivery.js';
import type { Delivery } from '../fixtures/reference-deliveries.js';

/**
 * The quarantine record an (imagined) older version, whose schema rejected the delivery, would have kept: what a
 * retry with today's schema takes. `receipt` sets how it had been received (signature, headers).
 */
export const olderQuarantineRecord = (delivery: Delivery, receipt: Record<string, unknown> = {}) => {
  const data: QuarantineRecordData = {
    reason: 'data.contact.email: Invalid email (schema of an older version)',
    issues: [{ path: 'data.contact.email', message: 'Invalid email' }],
    event: delivery.event,
    delivery_id: delivery.delivery_id,
    body_text: JSON.stringify(delivery),
  };
  const metadata = {
    delivery_id: delivery.delivery_id,
    envelope_timestamp: null,
    received_at: '2026-03-01T09:00:02.000Z',
    format: null,
    signature: 'not_configured',
    channel: 'http',
    headers: {},
    ...receipt,
  };
  return { id: quarantineEventId('older version'), type: QUARANTINED_EVENT_TYPE, data, metadata };
};
