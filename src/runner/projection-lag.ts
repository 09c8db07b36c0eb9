import type { Position } from '../store/event-store.js';

/**
 * Events the log holds beyond a checkpoint. The one place lag in events is computed (readiness and metrics both
 * use it), so that a store whose positions are not consecutive can count differently here alone.
 */
export const lagInEvents = (head: Position, checkpoint: Position): number => Math.max(0, head - checkpoint);
