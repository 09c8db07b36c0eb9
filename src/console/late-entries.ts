/** What the timeline needs of an audit entry to tell whether it arrived late. */
type Arrival = { readonly received_at: string | null };

/**
 * For entries in business-time order: true where the delivery was received after a delivery of a later change, i.e.
 * it arrived out of order and the projection had already seen something newer. Entries without a receive time are
 * never late and never make another late.
 */
export const lateEntries = (entries: readonly Arrival[]): boolean[] => {
  const late = new Array<boolean>(entries.length).fill(false);
  let earliestLater: number | undefined;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const received = entries[index]?.received_at;
    const ms = received === null || received === undefined ? Number.NaN : Date.parse(received);
    if (Number.isNaN(ms)) continue;
    late[index] = earliestLater !== undefined && ms > earliestLater;
    earliestLater = earliestLater === undefined ? ms : Math.min(earliestLater, ms);
  }
  return late;
};
