/**
 * Minimal logger shape: pino, bunyan and console-like objects fit (first argument an object or message).
 * The library never writes to the console on its own.
 */
export interface OvsdbLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

const noop = (): void => undefined;

/** Used when no logger is given. */
export const silentLogger: OvsdbLogger = { debug: noop, info: noop, warn: noop, error: noop };
