import { applyDecorators, HttpCode, Post, SetMetadata, Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { verbOf } from './routes';
import { WireErrors, type WireErrorStatus } from './wire-errors';

/** Route metadata: the verb reads or writes OVSDB (it declares 503), so it waits for the sessions at start. */
export const NEEDS_OVSDB = 'docker-ovn-driver:needs-ovsdb';

export interface VerbOptions {
  summary: string;
  /** The 200 reply's body. */
  ok: Type<unknown>;
  /** Failure statuses besides the common 400/413/500 (see wire-errors.ts); 503 marks a verb that needs OVSDB. */
  errors?: Exclude<WireErrorStatus, 400 | 413 | 500>[];
  /** @default the verb of the route ("/NetworkDriver.Join" → "Join") */
  operationId?: string;
}

/**
 * One plugin verb: POST on its route answering 200 (Nest answers POST with 201, which dockerd takes for a
 * failure: moby pkg/plugins/client.go accepts 200 only), and its OpenAPI operation, reply and failure statuses.
 */
export function Verb(route: string, opts: VerbOptions): MethodDecorator {
  return applyDecorators(
    Post(route),
    HttpCode(200),
    ApiOperation({ operationId: opts.operationId ?? verbOf(route), summary: opts.summary }),
    ApiOkResponse({ type: opts.ok }),
    ...(opts.errors?.length ? [WireErrors(...opts.errors)] : []),
    ...(opts.errors?.includes(503) ? [SetMetadata(NEEDS_OVSDB, true)] : []),
  );
}
