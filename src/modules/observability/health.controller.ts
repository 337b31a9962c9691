import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OvsdbHealth, Readiness } from './ovsdb-health';

/** Probes, on the HTTP listener only. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly health: OvsdbHealth) {}

  /** The process is alive and serving HTTP. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when the NB and local OVS sessions are connected and their caches synced, else 503 saying which is not. */
  @Get('readyz')
  readyz(@Res({ passthrough: true }) reply: FastifyReply): Readiness {
    const readiness = this.health.readiness();
    void reply.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
