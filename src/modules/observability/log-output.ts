import { fstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/**
 * Where the JSON log lines go: stdout (dockerd keeps a plugin's stdout in its own log, `journalctl -u
 * docker`) and, when configured, a file (the seed driver's /var/log/openvswitch/docker-ovn-driver.log).
 * A file that cannot be opened never stops the driver: it logs to stdout only and says why.
 */
export class LogOutput {
  private fileDest?: Destination;
  private failed?: string;
  private readonly dropped = new WeakSet<Destination>();

  private constructor(
    /** The configured file, or undefined for stdout only. */
    readonly path: string | undefined,
    private readonly stdout: { write(line: string): unknown },
  ) {}

  /** Opens `path` for appending (creating its directory); '' means stdout only. */
  static open(path: string, stdout: { write(line: string): unknown } = stdoutDestination()): LogOutput {
    const output = new LogOutput(path || undefined, stdout);
    if (output.path) {
      try {
        output.fileDest = output.openFile(output.path);
      } catch (e) {
        output.failed = `cannot open log file ${output.path} (${(e as Error).message}): logging to stdout only`;
      }
    }
    return output;
  }

  /** Why the file is not being written, if it is not. */
  get problem(): string | undefined {
    return this.failed;
  }

  /** The file lines are being written to right now, if any. */
  get file(): string | undefined {
    return this.fileDest ? this.path : undefined;
  }

  /**
   * True when the open file is no longer the one at `path`: renamed or removed (logrotate without a
   * postrotate that signals the driver, e.g. Debian's rule for /var/log/openvswitch/*.log, which tells only
   * the OVS daemons). Lines written now would go to the rotated file, or to one already deleted.
   */
  rotated(): boolean {
    const fd = (this.fileDest as (Destination & { fd?: number }) | undefined)?.fd;
    if (!this.path || fd === undefined || fd < 0) return false;
    try {
      const open = fstatSync(fd);
      const named = statSync(this.path, { throwIfNoEntry: false });
      return !named || named.ino !== open.ino || named.dev !== open.dev;
    } catch {
      return false;
    }
  }

  /** pino's DestinationStream: every line to stdout and to the file. */
  write(line: string): void {
    this.stdout.write(line);
    this.fileDest?.write(line);
  }

  /**
   * Closes and opens the file again by its name (logrotate renamed it: the lines go to a new file from
   * here on); also retries a file that could not be opened before. Throws when it cannot be opened.
   */
  reopen(): void {
    if (!this.path) return;
    if (!this.fileDest) {
      this.fileDest = this.openFile(this.path);
      this.failed = undefined;
      return;
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fileDest.reopen();
      this.failed = undefined;
    } catch (e) {
      this.dropped.add(this.fileDest);
      this.fileDest.destroy();
      this.fileDest = undefined;
      this.failed = `cannot reopen log file ${this.path} (${(e as Error).message}): logging to stdout only`;
      throw new Error(this.failed);
    }
  }

  /** Stops writing the file; later lines go to stdout only. */
  close(): void {
    const dest = this.fileDest;
    this.fileDest = undefined;
    dest?.end();
  }

  private openFile(path: string): Destination {
    mkdirSync(dirname(path), { recursive: true });
    // Synchronous writes: one line per verb is little, and no line is lost when the process exits.
    const dest = pino.destination({ dest: path, sync: true, append: true, mkdir: true });
    dest.on('error', (e: Error) => {
      // A write that fails (disk full, file system gone) must not take the driver down. A failed
      // reopen is reported by reopen() itself (the destination is dropped by then).
      if (this.dropped.has(dest)) return;
      if (this.fileDest === dest) this.fileDest = undefined;
      this.failed = `log file ${path} failed (${e.message}): logging to stdout only until SIGHUP`;
      this.stdout.write(
        `${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, context: LogOutput.name, msg: this.failed })}\n`,
      );
    });
    return dest;
  }
}

function stdoutDestination(): Destination {
  const dest = pino.destination({ dest: 1, sync: true });
  // stdout closed under us (EPIPE): nothing to tell it to, and no reason to stop serving dockerd.
  dest.on('error', () => undefined);
  return dest;
}
