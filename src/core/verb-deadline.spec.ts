import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Controller, Module, Post, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { defer, firstValueFrom } from 'rxjs';
import { timeLeft, VERB_BUDGET_MS, VerbDeadlineInterceptor } from './verb-deadline';

describe('VerbDeadlineInterceptor', () => {
  const context = (elapsedTime: number) =>
    ({ switchToHttp: () => ({ getResponse: () => ({ elapsedTime }) }) }) as unknown as ExecutionContext;
  /** A handler that reads the time left after an await, as a service deep in a verb does. */
  const handler: CallHandler = {
    handle: () =>
      defer(async () => {
        await new Promise((r) => setTimeout(r, 5));
        return timeLeft();
      }),
  };

  it('counts the budget from the request’s arrival, through the handler’s awaits', async () => {
    const left = (await firstValueFrom(new VerbDeadlineInterceptor().intercept(context(4_000), handler))) as number;
    assert.ok(left <= VERB_BUDGET_MS - 4_000 && left > VERB_BUDGET_MS - 4_000 - 1_000, `${left} ms left`);
  });

  it('leaves nothing, never less, when the request arrived longer ago than the budget', async () => {
    assert.equal(await firstValueFrom(new VerbDeadlineInterceptor().intercept(context(VERB_BUDGET_MS + 5_000), handler)), 0);
  });

  it('is unbounded outside a request', () => {
    assert.equal(timeLeft(), Infinity);
  });
});

describe('VerbDeadlineInterceptor in a Nest app on Fastify', () => {
  it('reaches the handler’s awaits through Nest’s pipeline, and only within the request', async () => {
    @Controller()
    class Probe {
      @Post('/NetworkDriver.Probe')
      async probe(): Promise<{ left: number }> {
        await new Promise((r) => setTimeout(r, 5));
        return { left: timeLeft() };
      }
    }
    @Module({ controllers: [Probe], providers: [{ provide: APP_INTERCEPTOR, useClass: VerbDeadlineInterceptor }] })
    class ProbeModule {}
    const app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { logger: false });
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const reply = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/NetworkDriver.Probe' });
      const { left } = reply.json<{ left: number }>();
      assert.ok(left > VERB_BUDGET_MS - 2_000 && left <= VERB_BUDGET_MS, `${left} ms left`);
      assert.equal(timeLeft(), Infinity);
    } finally {
      await app.close();
    }
  });
});
