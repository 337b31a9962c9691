import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';

/**
 * How long after its arrival a request is answered at the latest. dockerd gives a plugin call 30 s
 * (moby pkg/plugins client.go, defaultTimeOut; `docker plugin enable --timeout`) and then fails the
 * container's start; the driver's waits end within this, leaving dockerd the rest.
 */
export const VERB_BUDGET_MS = 25_000;

const deadlines = new AsyncLocalStorage<number>();

/** Runs `fn` (and everything it starts) with a deadline, as the interceptor does for each request. */
export function withDeadline<T>(deadline: number, fn: () => T): T {
  return deadlines.run(deadline, fn);
}

/**
 * Milliseconds left before the current request's deadline (never negative); Infinity outside a request
 * (the reconciler, a unit test). Join's wait for ovn-controller and the OVSDB transactions (the clients'
 * timeLeft option) take the smaller of this and their own bound: the start-up hold, the transactions and
 * the wait each have a bound of their own, and with non-default settings their sum could pass dockerd's
 * 30 s.
 */
export function timeLeft(): number {
  const deadline = deadlines.getStore();
  return deadline === undefined ? Infinity : Math.max(0, deadline - Date.now());
}

/** Gives each request its deadline, counted from its arrival (the start-up hold included). */
@Injectable()
export class VerbDeadlineInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const deadline = Date.now() - (reply.elapsedTime ?? 0) + VERB_BUDGET_MS;
    // next.handle() binds the handler to the async context it is called in (Nest's AsyncResource.bind).
    return new Observable((subscriber) => withDeadline(deadline, () => next.handle().subscribe(subscriber)));
  }
}
