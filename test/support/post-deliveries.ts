import type { FastifyInstance } from 'fastify';

/** Posts deliveries to an in-process app, a few at a time; returns the highest position acknowledged. */
export const postDeliveries = async (app: FastifyInstance, deliveries: readonly unknown[], concurrency = 16): Promise<number> => {
  let next = 0;
  let highest = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const response = await app.inject({
        method: 'POST',
        url: '/webhooks/skylight',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(deliveries[next++]),
      });
      if (response.statusCode >= 300) throw new Error(`delivery answered ${response.statusCode}: ${response.body}`);
      highest = Math.max(highest, response.json<{ position: number }>().position);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return highest;
};
