import { setImmediate } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

const MB = 1024 * 1024;

export type Observed<T> = { readonly answer: T; readonly healthAnswered: number; readonly slowestHealthMs: number; readonly rssGrowthMb: number };

/** Runs `work` while /health is asked again and again: how often it answered, how slowly at worst, and RSS growth. */
export const whileHealthIsAsked = async <T>(app: FastifyInstance, work: () => Promise<T>): Promise<Observed<T>> => {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let done = false;
  let healthAnswered = 0;
  let slowestHealthMs = 0;
  const prober = (async () => {
    while (!done) {
      const askedAt = performance.now();
      const health = await app.inject({ method: 'GET', url: '/health' });
      if (done) break;
      expect(health.statusCode).toBe(200);
      healthAnswered += 1;
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - askedAt);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      // An injected request settles without I/O; without a turn of the loop the prober alone would run.
      await setImmediate();
    }
  })();
  const answer = await work();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  done = true;
  await prober;
  return { answer, healthAnswered, slowestHealthMs, rssGrowthMb: (peakRss - rssBefore) / MB };
};
