/**
 * Typed errors. Every failure a caller can act on has its own class, so callers branch with
 * `instanceof` instead of parsing messages (the python IDL and libovsdb both leak strings here).
 */

/** Base class of every error thrown by this package. */
export class OvsdbError extends Error {
  override name = 'OvsdbError';
}

/**
 * The server answered a JSON-RPC request with a non-null `error` (RFC 7047 §4: the whole request failed,
 * e.g. "unknown database", "unknown method", "canceled").
 */
export class OvsdbRpcError extends OvsdbError {
  override name = 'OvsdbRpcError';
  /** The `error` member of the reply: a string or an object with `error`/`details`. */
  readonly error: unknown;
  constructor(
    readonly method: string,
    error: unknown,
  ) {
    super(`${method}: ${describeRpcError(error)}`);
    this.error = error;
  }
  /** The short error string, whatever shape the server used. */
  get code(): string {
    if (typeof this.error === 'string') return this.error;
    if (this.error && typeof this.error === 'object' && 'error' in this.error) return String(this.error.error);
    return JSON.stringify(this.error);
  }
}

function describeRpcError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const e = error as { error?: unknown; details?: unknown };
    if (e.error !== undefined) return e.details ? `${String(e.error)} (${String(e.details)})` : String(e.error);
  }
  return JSON.stringify(error);
}

/**
 * One operation of a transaction failed (RFC 7047 §5.2: the result at `index` carries `error`; all later
 * results are null and nothing was committed).
 */
export class OvsdbOpError extends OvsdbError {
  override name = 'OvsdbOpError';
  constructor(
    /** Error tag, e.g. "constraint violation", "timed out", "referential integrity violation". */
    readonly error: string,
    readonly details: string | undefined,
    /** Index of the failing operation in the array passed to `transact`. */
    readonly index: number,
    /** The `op` name of the failing operation. */
    readonly op: string,
    readonly syntax?: string,
  ) {
    super(`op ${index} (${op}) failed: ${error}${details ? `: ${details}` : ''}`);
  }
}

/**
 * Every operation succeeded but the commit failed (RFC 7047 §4.1.3: the result array has one extra
 * element holding the error), e.g. a referential-integrity or constraint check done at commit time.
 */
export class OvsdbCommitError extends OvsdbError {
  override name = 'OvsdbCommitError';
  constructor(
    readonly error: string,
    readonly details: string | undefined,
  ) {
    super(`commit failed: ${error}${details ? `: ${details}` : ''}`);
  }
}

/** A request (or `waitFor`, or an inactivity probe) did not complete in time. */
export class OvsdbTimeoutError extends OvsdbError {
  override name = 'OvsdbTimeoutError';
}

/**
 * The connection is not (or no longer) usable. A transaction rejected with this error may or may not
 * have been committed (the reply can be lost after the commit): use client-chosen UUIDs or `wait`
 * operations to make retries safe.
 */
export class OvsdbDisconnectedError extends OvsdbError {
  override name = 'OvsdbDisconnectedError';
}

/** The peer sent bytes that are not valid JSON-RPC (framing or JSON syntax). */
export class OvsdbProtocolError extends OvsdbError {
  override name = 'OvsdbProtocolError';
}

/**
 * Optimistic concurrency gave up: every attempt found the rows it read changed by someone else (a `wait`
 * failed with "timed out"). Nothing was committed; `cause` is the last attempt's OvsdbOpError.
 */
export class OvsdbConflictError extends OvsdbError {
  override name = 'OvsdbConflictError';
  constructor(
    readonly attempts: number,
    cause: OvsdbOpError,
  ) {
    super(`the rows read kept changing: gave up after ${attempts} attempts (${cause.message})`, { cause });
  }
}

/**
 * The server's schema lacks tables or columns the client was told to monitor (the `tables` option), e.g. an
 * older OVN than the models were generated from. Found at connect, before the monitor request; the client
 * emits it as `incompatible` and keeps reconnecting (the server may be upgraded).
 */
export class OvsdbSchemaMismatchError extends OvsdbError {
  override name = 'OvsdbSchemaMismatchError';
  constructor(
    readonly database: string,
    readonly version: string,
    /** `Table` or `Table.column`, each missing one. */
    readonly missing: readonly string[],
  ) {
    super(`${database} schema ${version} lacks ${missing.join(', ')}`);
  }
}
