import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Validates requests with their zod schemas, every query string strictly: an unknown parameter (a typo, `tags` for
 * `tag`, `as_of` where there is no time travel) answers 400 naming it instead of being ignored, on every route
 * without each schema having to say so.
 */
export const strictQueryValidatorCompiler: typeof validatorCompiler = (route) =>
  validatorCompiler(route.httpPart === 'querystring' && route.schema instanceof z.ZodObject ? { ...route, schema: route.schema.strict() } : route);
