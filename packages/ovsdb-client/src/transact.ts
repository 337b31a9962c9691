import type { OvsdbCache } from './cache';
import { OvsdbCommitError, OvsdbOpError, OvsdbProtocolError } from './errors';
import { Op, ResultsOf, decodeResult } from './ops';
import type { DatabaseSchema } from './schema';

interface WireError {
  error: string;
  details?: string;
  syntax?: string;
}

function isError(r: unknown): r is WireError {
  return !!r && typeof r === 'object' && typeof (r as WireError).error === 'string';
}

/**
 * Checks a `transact` reply (RFC 7047 §4.1.3): the first result with `error` is the failing op (the rest
 * are null); when every op succeeded, an extra trailing element with `error` is a commit failure.
 */
export function checkResults<T extends readonly Op[]>(schema: DatabaseSchema, ops: T, results: unknown): ResultsOf<T> {
  if (!Array.isArray(results)) throw new OvsdbProtocolError('transact reply is not an array');
  for (let i = 0; i < ops.length; i++) {
    const r = results[i];
    if (isError(r)) throw new OvsdbOpError(r.error, r.details, i, ops[i].op, r.syntax);
  }
  for (let i = ops.length; i < results.length; i++) {
    const r = results[i];
    if (isError(r)) throw new OvsdbCommitError(r.error, r.details);
  }
  if (results.length < ops.length) throw new OvsdbProtocolError(`transact reply has ${results.length} results for ${ops.length} ops`);
  return ops.map((o, i) => decodeResult(schema, o, results[i])) as ResultsOf<T>;
}

/** What `withRetry` needs from a client. */
export interface RetryableClient {
  readonly cache: OvsdbCache;
  readonly changeSeq: number;
  transact<T extends readonly Op[]>(ops: T): Promise<ResultsOf<T>>;
  nextChange(timeoutMs: number): Promise<void>;
}

export interface RetryOptions {
  /**
   * How many times to build and run the transaction.
   * @default 10
   */
  attempts?: number;
  /**
   * After a failed verify, how long to wait for the cache to catch up before rebuilding anyway.
   * @default 1000
   */
  settleMs?: number;
}

/**
 * Optimistic concurrency (the python IDL's TRY_AGAIN loop, ovsdbapp's retries): `build` reads the cache
 * and returns ops that include `op.verify(…)`/`op.wait(…)` on what it read; when a wait fails with
 * "timed out" someone else changed those rows, so wait until the cache has moved and build again.
 */
export async function withRetry<T extends readonly Op[]>(
  client: RetryableClient,
  build: (cache: OvsdbCache) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<ResultsOf<T>> {
  const attempts = options.attempts ?? 10;
  const settleMs = options.settleMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    const seq = client.changeSeq;
    const ops = await build(client.cache);
    try {
      return await client.transact(ops);
    } catch (err) {
      const retryable = err instanceof OvsdbOpError && err.error === 'timed out' && ops[err.index]?.op === 'wait';
      if (!retryable || attempt >= attempts) throw err;
      if (client.changeSeq === seq) await client.nextChange(settleMs);
    }
  }
}
