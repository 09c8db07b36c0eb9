/** What became of one delivery; the HTTP layer maps `status` to a response code in one place. */
export type IntakeOutcome =
  | { readonly status: 'appended'; readonly event: string; readonly event_id: string; readonly stream: string; readonly position: number }
  | { readonly status: 'duplicate'; readonly event: string; readonly event_id: string; readonly stream: string; readonly position: number }
  | {
      readonly status: 'quarantined';
      readonly reason: string;
      readonly event_id: string;
      readonly stream: string;
      readonly position: number;
      readonly duplicate: boolean;
    }
  | {
      readonly status: 'unrecognized';
      readonly event: string;
      readonly event_id: string;
      readonly stream: string;
      readonly position: number;
      readonly duplicate: boolean;
    }
  | { readonly status: 'rejected'; readonly reason: string; readonly event_id: string; readonly position: number }
  | { readonly status: 'unauthorized'; readonly reason: string }
  /** The event's stream was hard-deleted in the store (an erased entity): nothing is stored, on every path. */
  | { readonly status: 'stream_deleted'; readonly reason: string; readonly event_id: string; readonly stream: string }
  | { readonly status: 'unavailable'; readonly reason: string };

export type IntakeStatus = IntakeOutcome['status'];
