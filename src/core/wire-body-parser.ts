import type { FastifyInstance } from 'fastify';

/** Largest request body accepted; dockerd's requests are a few hundred bytes. */
export const BODY_LIMIT = 1024 * 1024;

interface ParseError extends Error {
  statusCode?: number;
}

/**
 * dockerd POSTs JSON with no Content-Type, and empty bodies for Activate/GetCapabilities
 * (moby pkg/plugins/client.go); curl sends application/x-www-form-urlencoded. So every body is JSON,
 * whatever its content type, and an empty body is `{}`.
 */
export function registerWireBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      const err: ParseError = new Error(`request body is not valid JSON: ${(e as Error).message}`);
      err.statusCode = 400;
      done(err, undefined);
    }
  });
}
