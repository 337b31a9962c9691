import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DriverMetrics } from './driver-metrics';
import { durationMs, errText, markStart, recordErr, pluginVerb } from './verb-outcome';

/**
 * The per-request pino logger pino-http made (its lines carry the request id). It is the last of
 * `allLogs`, as nestjs-pino reads it: `req.raw.log` is Fastify's own (disabled) logger, set by middie.
 */
function requestLog(req: FastifyRequest): Logger | undefined {
  return (req.raw as { allLogs?: Logger[] }).allLogs?.at(-1);
}

/**
 * Fastify hooks around every request, whatever answers it (a controller, the exception filter, the body
 * parser, the not-found handler): the start time and Err text for the verb's log line, the request and
 * reply bodies at debug level, and the verb metrics.
 */
@Injectable()
export class VerbHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: DriverMetrics,
  ) {}

  onModuleInit(): void {
    // Added before fastify.ready() (app.factory), so they apply to every route Nest registered.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', async (_req, reply) => {
      markStart(reply.raw);
    });
    fastify.addHook('preHandler', async (req) => {
      const verb = pluginVerb(req.method, req.url);
      const log = requestLog(req);
      if (verb && log?.isLevelEnabled('debug')) log.debug({ verb, body: req.body ?? null }, `${verb} request`);
    });
    fastify.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode >= 400) {
        const err = errText(payload);
        if (err) recordErr(reply.raw, err);
      }
      const verb = pluginVerb(req.method, req.url);
      const log = requestLog(req);
      if (verb && log?.isLevelEnabled('debug'))
        log.debug({ verb, status: reply.statusCode, body: typeof payload === 'string' ? payload : undefined }, `${verb} reply`);
      return payload;
    });
    fastify.addHook('onResponse', async (req, reply) => {
      this.metrics.observeVerb(req.method, req.url, reply.statusCode, durationMs(reply.raw, reply.elapsedTime) / 1000);
    });
  }
}
