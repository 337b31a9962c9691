import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import { durationMs, errOf, pluginVerb } from './verb-outcome';

interface VerbLine {
  verb?: string;
  status: number;
  duration_ms: number;
  err?: string;
}

function lineOf(req: IncomingMessage, res: ServerResponse, fallbackMs: number): VerbLine {
  const err = errOf(res);
  return {
    verb: pluginVerb(req.method, req.url),
    status: res.statusCode,
    duration_ms: durationMs(res, fallbackMs),
    ...(err ? { err } : {}),
  };
}

function messageOf(req: IncomingMessage, line: VerbLine): string {
  const what = line.verb ?? `${req.method} ${(req.url ?? '').split('?')[0]}`;
  return `${what} ${line.status} in ${line.duration_ms} ms${line.err ? `: ${line.err}` : ''}`;
}

/**
 * pino-http options for the one line per request: `verb`, `status`, `duration_ms` and, for a failure,
 * the `err` text dockerd got. Plugin verbs log at info (warn for 4xx, error for 5xx); scrapes and probes
 * of the operator endpoints at debug only, so a 15 s scrape interval does not drown the verbs.
 */
export function verbLogOptions(level: LevelWithSilent): Options {
  return {
    level,
    customLogLevel: (req, res, err) => {
      if (!pluginVerb(req.method, req.url)) return 'debug';
      if (err || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    customSuccessObject: (req, res, val: { responseTime: number }) => lineOf(req, res, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime: number }) => lineOf(req, res, val.responseTime),
    customSuccessMessage: (req, res, responseTime) => messageOf(req, lineOf(req, res, responseTime)),
    customErrorMessage: (req, res) => messageOf(req, lineOf(req, res, NaN)),
    serializers: {
      req: (req: { id?: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
    },
  };
}
