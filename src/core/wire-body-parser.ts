import type { FastifyInstance } from 'fastify';

/** Largest request body accepted; dockerd's requests are a few hundred bytes. */
export const BODY_LIMIT = 1024 * 1024;

interface ParseError extends Error {
  statusCode?: number;
}

function badRequest(message: string): ParseError {
  const err: ParseError = new Error(message);
  err.statusCode = 400;
  return err;
}

/**
 * Keys that would reach an object's prototype once the body is copied onto a DTO (class-transformer
 * assigns key by key): refused, as Fastify's own JSON parser (secure-json-parse) does.
 */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value && typeof value === 'object' && 'prototype' in value)) {
    throw badRequest(`request body must not contain a "${key}" key`);
  }
  return value;
}

/**
 * dockerd POSTs JSON with no Content-Type, and empty bodies for Activate/GetCapabilities
 * (moby pkg/plugins/client.go); curl sends application/x-www-form-urlencoded. So every body is JSON,
 * whatever its content type, and an empty body is `{}`. Every request of the protocol is a JSON object.
 */
export function registerWireBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    let value: unknown;
    try {
      value = JSON.parse(text, refusePrototypeKeys);
    } catch (e) {
      if ((e as ParseError).statusCode === 400) return done(e as ParseError, undefined);
      return done(badRequest(`request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return done(badRequest('request body must be a JSON object'), undefined);
    done(null, value);
  });
}
