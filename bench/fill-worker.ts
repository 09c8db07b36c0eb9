import { parentPort, workerData } from 'node:worker_threads';
import { firstRoutedEvents, type RoutedEvent } from './routed-event.js';
import { trafficDeliveries } from './traffic.js';

/**
 * The producing half of a fixture fill (bench/fixtures.ts), on the other core: generates the traffic and routes
 * it as intake does, and hands the events over in chunks, at most two chunks ahead of what was taken; null ends.
 */
export type FillOrder = { readonly events: number; readonly chunk: number };

/** Retries are 20% of the generator's deliveries; a little more traffic than events covers them. */
const DELIVERIES_PER_EVENT = 1.3;

const port = parentPort;
if (port === null) throw new Error('fill-worker runs as a worker thread');
const { events, chunk } = workerData as FillOrder;

let credits = 2;
let granted: (() => void) | undefined;
port.on('message', () => {
  credits += 1;
  granted?.();
});
const hand = async (routed: RoutedEvent[]) => {
  while (credits === 0) await new Promise<void>((resolve) => (granted = resolve));
  credits -= 1;
  port.postMessage(routed);
};

let pending: RoutedEvent[] = [];
for (const routed of firstRoutedEvents(events, trafficDeliveries(Math.ceil(events * DELIVERIES_PER_EVENT) + 100))) {
  pending.push(routed);
  if (pending.length === chunk) {
    await hand(pending);
    pending = [];
  }
}
if (pending.length > 0) await hand(pending);
port.postMessage(null);
port.close();
