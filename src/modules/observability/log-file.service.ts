import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogOutput } from './log-output';

/** How often the file at the log path is compared with the open one (a stat and an fstat). */
const ROTATION_CHECK_MS = 5_000;

/**
 * The log file's life: says where logs go at start (or why the file is not used), reopens it on SIGHUP
 * (logrotate's postrotate `kill -HUP`) and by itself once it sees the file renamed or removed (a rule that
 * signals nothing), closes it at shutdown. SIGHUP is handled even without a file: its default action would
 * end the driver.
 */
@Injectable()
export class LogFileService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogFileService.name);
  private readonly onSighup = () => this.reopen();
  private timer?: NodeJS.Timeout;

  constructor(private readonly output: LogOutput) {}

  onApplicationBootstrap(): void {
    if (this.output.problem) this.logger.warn(this.output.problem);
    else if (this.output.file) this.logger.log(`logging to stdout and ${this.output.file}`);
    process.on('SIGHUP', this.onSighup);
    if (this.output.path) this.timer = setInterval(() => this.followRotation(), ROTATION_CHECK_MS).unref();
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSighup);
    clearInterval(this.timer);
    this.output.close();
  }

  /** Reopens the file by name when the open one was renamed or removed under the driver. */
  followRotation(): void {
    if (!this.output.rotated()) return;
    try {
      this.output.reopen();
      this.logger.log(`${this.output.path} was renamed or removed (logrotate): reopened`);
    } catch (e) {
      this.logger.warn((e as Error).message);
    }
  }

  /** Reopens the log file by name; a failure is logged (to stdout) and the driver goes on. */
  reopen(): void {
    if (!this.output.path) {
      this.logger.log('SIGHUP: no log file to reopen (OVN_DRIVER_LOG_FILE is empty)');
      return;
    }
    try {
      this.output.reopen();
      this.logger.log(`SIGHUP: reopened ${this.output.path}`);
    } catch (e) {
      this.logger.warn((e as Error).message);
    }
  }
}
