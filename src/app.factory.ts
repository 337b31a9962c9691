import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { DriverConfig } from './config/driver-config';
import { Listeners } from './core/listeners';
import { buildOpenApi } from './core/openapi';
import { BODY_LIMIT, registerWireBodyParser } from './core/wire-body-parser';

export interface DriverApp {
  app: NestFastifyApplication;
  listeners: Listeners;
}

/**
 * Builds the application exactly as production runs it (tests use this too) without listening:
 * Fastify with the any-content-type JSON parser, pino logging, the wire filter/pipe, swagger at /docs.
 */
export async function createDriverApp(config: Readonly<DriverConfig>): Promise<DriverApp> {
  const listeners = new Listeners();
  const adapter = new FastifyAdapter({ serverFactory: listeners.serverFactory, logger: false, bodyLimit: BODY_LIMIT });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  registerWireBodyParser(app.getHttpAdapter().getInstance());
  listeners.installGate(app.getHttpAdapter().getInstance());
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'docker-ovn-driver API',
  });
  await app.init();
  // Buffered start-up logs are flushed by app.listen(), which is not used (see Listeners).
  app.flushLogs();
  await app.getHttpAdapter().getInstance().ready();
  return { app, listeners };
}
