import { describe, expect, it } from 'vitest';
import { foldEvents, keysTouched } from '../../projections/fold.js';
import { projections } from '../../projections/registry.js';
import { EVENT_TYPES } from '../../src/events/domain-event.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { projectedDelivery } from '../support/projected-event.js';

describe('the projection registry', () => {
  it('holds the five projections under distinct names, each with a version', () => {
    expect(projections.map((projection) => projection.name)).toEqual(['contacts', 'bookings', 'tickets', 'conversations', 'deliveries']);
    for (const projection of projections) expect(Number.isInteger(projection.version) && projection.version > 0).toBe(true);
  });

  it('lets no projection but the delivery log handle ping, and only documented event types', () => {
    for (const projection of projections) {
      if (projection.name !== 'deliveries') expect(projection.handles).not.toContain('ping');
      for (const type of projection.handles) expect(EVENT_TYPES).toContain(type);
    }
  });

  it('gives every event of the reference a key in each projection that handles it, and none elsewhere', () => {
    for (const projected of nestedExamples.map(projectedDelivery)) {
      for (const projection of projections) {
        const keys = keysTouched(projection, projected);
        expect(keys.length > 0).toBe(projection.handles.includes(projected.event.type));
      }
    }
  });

  it('folds the reference into plain JSON states', () => {
    const events = nestedExamples.map(projectedDelivery);
    for (const projection of projections) {
      for (const state of foldEvents(projection, events).values()) expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
    }
  });
});
