/** A webhook's answer: its HTTP status and body. */
export type PostAnswer = { status: number; body: { status?: string; position?: number } };

/** Posts deliveries to a running server over HTTP, a few at a time; returns each answer's status and body. */
export const postOverHttp = async (url: string, deliveries: readonly unknown[], concurrency = 8): Promise<PostAnswer[]> => {
  const answers: PostAnswer[] = new Array(deliveries.length);
  let next = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const index = next++;
      const delivery = deliveries[index];
      const body = typeof delivery === 'string' ? delivery : JSON.stringify(delivery);
      const response = await fetch(`${url}/webhooks/skylight`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      answers[index] = { status: response.status, body: (await response.json()) as { status?: string; position?: number } };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, sender));
  return answers;
};
