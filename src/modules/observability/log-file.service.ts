import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogOutput } from './log-output';

/**
 * The log file's life: says where logs go at start (or why the file is not used), reopens it on SIGHUP
 * (logrotate's postrotate `kill -HUP`), closes it at shutdown. SIGHUP is handled even without a file: its
 * default action would end the driver.
 */
@Injectable()
export class LogFileService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogFileService.name);
  private readonly onSighup = () => this.reopen();

  constructor(private readonly output: LogOutput) {}

  onApplicationBootstrap(): void {
    if (this.output.problem) this.logger.warn(this.output.problem);
    else if (this.output.file) this.logger.log(`logging to stdout and ${this.output.file}`);
    process.on('SIGHUP', this.onSighup);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSighup);
    this.output.close();
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
