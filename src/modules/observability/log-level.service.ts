import type { OnModuleInit } from '@nestjs/common';
import type { BaseLogger } from 'pino';

/** The levels an operator can choose, most verbose last. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export interface LogLevelChange {
  level: LogLevelName;
  previous: string;
}

/**
 * The runtime log level (PUT /log-level on the HTTP listener): applies to the driver's own lines at
 * once and to requests that start afterwards; it lasts until the driver restarts (DEBUG decides then).
 */
export class LogLevelService implements OnModuleInit {
  private root?: BaseLogger;

  /** `source` gives the application's root pino logger once the logging middleware is set up. */
  constructor(private readonly source: () => BaseLogger | undefined) {}

  onModuleInit(): void {
    this.root = this.source();
  }

  get level(): string {
    return this.rootLogger().level;
  }

  /** Sets the level; the change is logged at info under whichever of the two levels lets it through. */
  set(level: LogLevelName): LogLevelChange {
    const root = this.rootLogger();
    const previous = root.level;
    const message = `log level changed from ${previous} to ${level} (until restart)`;
    const moreVerbose = LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(previous as LogLevelName);
    if (!moreVerbose) root.info({ context: 'LogLevel' }, message);
    root.level = level;
    if (moreVerbose) root.info({ context: 'LogLevel' }, message);
    return { level, previous };
  }

  private rootLogger(): BaseLogger {
    this.root ??= this.source();
    if (!this.root) throw new Error('the logger is not set up yet');
    return this.root;
  }
}
