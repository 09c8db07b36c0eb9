/** Which part a node plays on its read model: it applies the log to the live tables, or follows the one that does. */
export const WRITER_ROLES = ['writer', 'standby'] as const;
export type WriterRole = (typeof WRITER_ROLES)[number];

/** What a lease can tell its holder between two looks: the writer committed elsewhere, or this holder's lease ended. */
export type LeaseChange = 'moved' | 'lost';

/**
 * Who applies events to a read model's live tables. A file a node keeps for itself is that node's: every process
 * that opens it may write (their commits are compare-and-set on the checkpoints). A database several nodes share has
 * one writer at a time, the holder of its lease; the others stand by, follow the writer's commits and try again.
 */
export type WriterLease = {
  /** Takes the lease when it is free; true while this holder has it. */
  readonly acquire: () => Promise<boolean>;
  /** Told of each change; `lost` once the lease held has ended (its connection ended): nothing more may be written under it. */
  readonly onChange: (listener: (change: LeaseChange) => void) => void;
  readonly release: () => Promise<void>;
};

/** The lease on a file the node keeps for itself: always held. */
export const ownedLease = (): WriterLease => ({
  acquire: async () => true,
  onChange: () => undefined,
  release: async () => undefined,
});
