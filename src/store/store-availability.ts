/** A change in whether the store answers: told once per transition, never once per failed call. */
export type AvailabilityChange =
  | { readonly available: false; readonly reason: string }
  | { readonly available: true; readonly unavailableForMs: number };

export type AvailabilityListener = (change: AvailabilityChange) => void;

export type StoreAvailability = {
  /** A call could not reach the store. */
  readonly failed: (reason: string) => void;
  /** A call was answered. */
  readonly answered: () => void;
};

/**
 * Turns the outcome of every call (appends, reads, the subscription's reconnects) into transitions: an outage
 * that fails a thousand deliveries is one "unavailable" and one "available again", with how long it lasted.
 */
export const storeAvailability = (listener: AvailabilityListener | undefined, now: () => number = Date.now): StoreAvailability => {
  let downSince: number | undefined;
  return {
    failed: (reason) => {
      if (downSince !== undefined) return;
      downSince = now();
      listener?.({ available: false, reason });
    },
    answered: () => {
      if (downSince === undefined) return;
      const unavailableForMs = now() - downSince;
      downSince = undefined;
      listener?.({ available: true, unavailableForMs });
    },
  };
};
