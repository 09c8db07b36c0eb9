import type { IncomingDelivery } from './accept-delivery.js';
import type { IntakeOutcome, IntakeStatus } from './intake-outcome.js';

export type OutcomeCounts = { readonly [S in IntakeStatus]: number };

export type CountedIntake = {
  readonly accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>;
  /** Deliveries by outcome since this process started. */
  readonly counts: () => OutcomeCounts;
  readonly since: string;
};

const zero = (): { [S in IntakeStatus]: number } => ({
  appended: 0,
  duplicate: 0,
  quarantined: 0,
  unrecognized: 0,
  rejected: 0,
  unauthorized: 0,
  unavailable: 0,
});

/** Counts every intake outcome as it leaves `accept`; the one place the overview reads delivery counts from. */
export const countingOutcomes = (accept: CountedIntake['accept'], startedAt: Date): CountedIntake => {
  const counts = zero();
  return {
    accept: async (delivery) => {
      const outcome = await accept(delivery);
      counts[outcome.status] += 1;
      return outcome;
    },
    counts: () => ({ ...counts }),
    since: startedAt.toISOString(),
  };
};
