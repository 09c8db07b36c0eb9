import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem.js';
import { CONSOLE_CSP } from './security-headers.js';

/** Where `vite build` puts the console: `dist/console` under the package root, for `src/` (tsx) and `dist/src/` alike. */
export const builtConsoleDir = (): string => {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) directory = dirname(directory);
  return join(directory, 'dist', 'console');
};

/**
 * `/console/…` serves the built single-page console: its files by name, every other path its `index.html` (the
 * console routes in the browser, so a deep link or a reload lands on the right view). `/` leads there.
 */
export const registerConsoleRoutes = (app: FastifyInstance, options: { readonly directory: string }): void => {
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  void app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      return payload;
    });
    if (!existsSync(join(options.directory, 'index.html'))) {
      scope.get('/console/*', { schema: { hide: true } }, (_request, reply) =>
        sendProblem(reply, { status: 503, title: 'Console not built', detail: 'run `npm run build` (npm install does it)' }),
      );
      return;
    }
    await scope.register(fastifyStatic, {
      root: options.directory,
      prefix: '/console/',
      wildcard: false,
      index: false,
      cacheControl: false,
      // The build writes `.br` and `.gz` beside each text file: sent, with `Vary: Accept-Encoding`, to who accepts them.
      preCompressed: true,
      setHeaders: (reply, path) =>
        // Built assets carry a content hash in their name; index.html must be asked for again each time.
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    scope.get('/console/*', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  });
};
