import type { z } from 'zod';
import type { ProjectionStanding } from '../runner/projection-standing.js';
import type { ProjectionLag } from './api-schemas.js';

/** A projection's standing as the API gives it. */
export const projectionLag = (standing: ProjectionStanding): z.infer<typeof ProjectionLag> => ({
  name: standing.name,
  version: standing.version,
  position: standing.position,
  lag_events: standing.lagEvents,
  lag_events_exact: standing.lagExact,
  lag_seconds: standing.lagSeconds,
});
