import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OvsdbConflictError, OvsdbDisconnectedError, OvsdbTimeoutError } from 'ovsdb-client';
import { DriverError } from '../protocol/errors';
import { verbOf } from '../protocol/routes';

interface HttpError {
  statusCode?: number;
  message?: string;
}

/**
 * Every failure leaves as a non-200 `{"Err": "<Verb>: <message>"}` (moby pkg/plugins/client.go reads Err;
 * IPAM reads `Error` only on 200, so an error is never sent with 200). Unexpected errors are logged
 * with their stack and answered with a generic message.
 */
@Catch()
export class WireExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WireExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const verb = verbOf(req.url);
    const [status, message] = this.describe(exception, verb, req.method === 'GET');
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .send({ Err: `${verb}: ${message}` });
  }

  /**
   * `read`: an operator's GET (the Database view, /debug/*, the topology page's poll every 2 s), whose 503
   * while a DB is away is logged at debug: the DB's own failure is logged once per cause already, and a page
   * left open would otherwise repeat it every poll.
   */
  private describe(exception: unknown, verb: string, read = false): [number, string] {
    if (exception instanceof DriverError) {
      if (exception.status >= 500)
        (read ? this.logger.debug : this.logger.warn).call(this.logger, { code: exception.code, verb }, exception.message);
      return [exception.status, exception.message];
    }
    // A DB that hangs or drops mid-transaction is the same condition as one that is down before the verb
    // starts: dockerd and the operator get 503 and the DB named, not an "internal error".
    if (exception instanceof OvsdbTimeoutError || exception instanceof OvsdbDisconnectedError) {
      this.logger.warn({ verb }, exception.message);
      return [HttpStatus.SERVICE_UNAVAILABLE, `OVSDB not reachable (${exception.message}); retry later`];
    }
    // Optimistic concurrency gave up: other writers kept changing the rows this verb read. The same answer
    // as any other conflict with existing state (409); dockerd's caller can simply try again.
    if (exception instanceof OvsdbConflictError) {
      this.logger.warn({ verb, attempts: exception.attempts }, exception.message);
      return [HttpStatus.CONFLICT, `OVN Northbound kept changing under this request (${exception.attempts} attempts); try again`];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === HttpStatus.NOT_FOUND) return [status, 'not implemented by this driver'];
      return [status, httpMessage(exception)];
    }
    const httpError = exception as HttpError;
    if (typeof httpError?.statusCode === 'number' && httpError.statusCode >= 400 && httpError.statusCode < 500) {
      return [httpError.statusCode, httpError.message ?? 'bad request'];
    }
    this.logger.error({ err: exception, verb }, `unexpected failure in ${verb}`);
    return [HttpStatus.INTERNAL_SERVER_ERROR, `Failed to ${verb}: internal error (see the driver log)`];
  }
}

function httpMessage(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
