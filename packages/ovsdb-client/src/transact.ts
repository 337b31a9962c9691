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
