import type { FastifyInstance } from 'fastify';
import type { ForgetJob } from '../../src/erasure/forget-job.js';
import { eventually } from './eventually.js';

/** POST /contacts/{id}/forget, then the job as it ends (GET /erasures/job): what an operator's script does. */
export const forgetOverHttp = async (app: FastifyInstance, token: string, id: string, body: unknown): Promise<{ statusCode: number; job: ForgetJob | undefined; body: string }> => {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = await app.inject({ method: 'POST', url: `/contacts/${id}/forget`, headers, payload: JSON.stringify(body) });
  if (started.statusCode !== 202) return { statusCode: started.statusCode, job: undefined, body: started.body };
  const jobId = (started.json() as ForgetJob).job_id;
  const job = await eventually(`the forget of contact ${id} has ended`, async () => {
    const current = (await app.inject({ method: 'GET', url: '/erasures/job', headers })).json() as ForgetJob;
    return current.job_id === jobId && current.state !== 'running' ? current : undefined;
  });
  return { statusCode: started.statusCode, job, body: started.body };
};
