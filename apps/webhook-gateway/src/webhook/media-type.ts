import { createMiddleware } from 'hono/factory';
import { reject, type AnswerEnv } from './answer.js';

/**
 * The body must be declared `application/json` (parameters such as
 * `charset` allowed), or 415 `unsupported_media_type`. From the headers
 * alone, before the body is read.
 */
export function jsonMediaType() {
  return createMiddleware<AnswerEnv>(async (c, next) => {
    const mediaType = (c.req.raw.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') return reject(c, 'unsupported_media_type', `Content-Type must be application/json, not "${mediaType}"`);
    await next();
  });
}
