import type { ServerResponse } from 'node:http';
import { IpamDriverRoute, NetworkDriverRoute, PLUGIN_ACTIVATE } from '../../protocol/routes';

const KNOWN_VERBS = new Set(
  [PLUGIN_ACTIVATE, ...Object.values(NetworkDriverRoute), ...Object.values(IpamDriverRoute)].map((p) => p.slice(1)),
);
const PLUGIN_PATH = /^\/(Plugin|NetworkDriver|IpamDriver)\.[A-Za-z]+$/;

/**
 * The verb of a plugin request (dockerd always POSTs) with its subsystem ("NetworkDriver.Join",
 * "IpamDriver.GetCapabilities": GetCapabilities exists in both), undefined for anything else: /metrics,
 * /docs, GET views for operators.
 */
export function pluginVerb(method: string | undefined, url: string | undefined): string | undefined {
  if (method !== 'POST') return undefined;
  const path = (url ?? '').split('?')[0];
  return PLUGIN_PATH.test(path) ? path.slice(1) : undefined;
}

/** {@link pluginVerb} as a bounded metric label: "other" for a verb this driver does not serve (a newer engine's). */
export function verbLabel(method: string | undefined, url: string | undefined): string | undefined {
  const verb = pluginVerb(method, url);
  if (verb === undefined) return undefined;
  return KNOWN_VERBS.has(verb) ? verb : 'other';
}

interface Outcome {
  start: bigint;
  /** Fixed by the first reader once the answer is sent, so the log line and the metrics agree. */
  ms?: number;
  err?: string;
}

const outcomes = new WeakMap<ServerResponse, Outcome>();

/** Marks the start of a request (Fastify onRequest), for durations below the millisecond. */
export function markStart(res: ServerResponse): void {
  outcomes.set(res, { start: process.hrtime.bigint() });
}

/** Remembers the Err text of a failed answer (Fastify onSend), for the verb's log line. */
export function recordErr(res: ServerResponse, err: string): void {
  const o = outcomes.get(res);
  if (o) o.err = err;
}

/**
 * Milliseconds from markStart to the first call after the answer went out (microsecond precision), or
 * `fallbackMs` when the request was never marked.
 */
export function durationMs(res: ServerResponse, fallbackMs: number): number {
  const o = outcomes.get(res);
  if (!o) return fallbackMs;
  o.ms ??= Math.round(Number(process.hrtime.bigint() - o.start) / 1e3) / 1e3;
  return o.ms;
}

/** The Err text recorded for this response, if it failed. */
export function errOf(res: ServerResponse): string | undefined {
  return outcomes.get(res)?.err;
}

/** `{"Err": "..."}` → its text; anything else → undefined. */
export function errText(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 64 * 1024 || !payload.includes('"Err"')) return undefined;
  try {
    const body = JSON.parse(payload) as { Err?: unknown };
    return typeof body.Err === 'string' ? body.Err : undefined;
  } catch {
    return undefined;
  }
}
