import type { OvsdbCache } from './cache';
import { OvsdbConflictError, OvsdbOpError } from './errors';
import type { Op, ResultsOf } from './ops';
import type { LooseTables, TableMap } from './typed';

/** What `withRetry` needs from a client. */
export interface RetryableClient<M extends TableMap = LooseTables> {
  readonly cache: OvsdbCache<M>;
  readonly changeSeq: number;
  transact<T extends readonly Op[]>(ops: T): Promise<ResultsOf<T>>;
  nextChange(timeoutMs: number): Promise<void>;
}

export interface RetryOptions {
  /**
   * How many times to run the attempt before giving up with OvsdbConflictError.
   * @default 10
   */
  attempts?: number;
  /**
   * After a conflict, how long to wait for the cache to show the competing write before trying anyway.
   * @default 1000
   */
  settleMs?: number;
  /**
   * Backoff before attempt n+1: a random delay in [d/2, d] with d = min(maxDelayMs, baseDelayMs · 2^(n-1)),
   * so two writers that collided do not collide again in lockstep.
   * @default 2
   */
  baseDelayMs?: number;
  /** @default 100 */
  maxDelayMs?: number;
  /** Source of randomness in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}

/** True for the failure optimistic concurrency retries: a `wait` (verify) found the rows changed. */
export function isConflict(err: unknown): err is OvsdbOpError {
  return err instanceof OvsdbOpError && err.error === 'timed out' && err.op === 'wait';
}

/** The jittered delay before the attempt after `attempt` (exported for its unit test). */
export function backoffMs(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? 2;
  const max = options.maxDelayMs ?? 100;
  const d = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  return d / 2 + (options.random ?? Math.random)() * (d / 2);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it does not fail with a conflict (see `isConflict`); other errors pass through at
 * once. Between attempts it waits for `client`'s cache to move (when given), then a jittered backoff.
 * Throws OvsdbConflictError after `attempts` conflicts. For steps that transact themselves; `withRetry`
 * is the same loop for a step that returns its ops.
 */
export async function retryOnConflict<R>(
  attempt: (n: number) => Promise<R>,
  options: RetryOptions & { client?: Pick<RetryableClient, 'changeSeq' | 'nextChange'> } = {},
): Promise<R> {
  const attempts = options.attempts ?? 10;
  for (let n = 1; ; n++) {
    const seq = options.client?.changeSeq;
    try {
      return await attempt(n);
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (n >= attempts) throw new OvsdbConflictError(n, err);
      if (options.client && options.client.changeSeq === seq) await options.client.nextChange(options.settleMs ?? 1000);
      await sleep(backoffMs(n, options));
    }
  }
}

/**
 * Optimistic concurrency (the python IDL's TRY_AGAIN loop, ovsdbapp's retries): `build` reads the cache
 * and returns ops that include `op.verify(…)`/`op.wait(…)` on what it read; when a wait fails with
 * "timed out" someone else changed those rows, so wait until the cache has moved and build again.
 * `build` returns `null` when the cache shows there is nothing to do: no transaction is sent and
 * `withRetry` resolves `null`. Gives up with OvsdbConflictError after `attempts` conflicts.
 */
export async function withRetry<M extends TableMap, const T extends readonly Op[] | null>(
  client: RetryableClient<M>,
  build: (cache: OvsdbCache<M>) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T extends readonly Op[] ? ResultsOf<T> : null> {
  type Out = T extends readonly Op[] ? ResultsOf<T> : null;
  return retryOnConflict(
    async () => {
      const ops = await build(client.cache);
      if (ops === null) return null as Out;
      return (await client.transact(ops)) as Out;
    },
    { ...options, client },
  );
}
