import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What one command printed on stderr ("RTNETLINK answers: …", "Command failed -:N"). */
export interface IpBatchResult {
  errors: string[];
}

interface Command {
  line: string;
  resolve: (r: IpBatchResult) => void;
  reject: (e: Error) => void;
  errors: string[];
  timer?: NodeJS.Timeout;
  /** Settles when the command has (whichever way). */
  done?: Promise<void>;
}

/** `ip link show dev lo` prints "N: lo: <…>" first: the end of the command before it. */
const MARKER_COMMAND = 'link show dev lo';
const MARKER_LINE = /^\d+: lo[:@]/;
/** A deletion waits for the kernel, not for minutes: a process that long silent is stuck. */
const TIMEOUT_MS = 60_000;

/**
 * One long-lived `ip -force -batch -` process that runs commands sent to its stdin. A command whose kernel
 * request waits (deleting links waits for an RCU grace period and for in-flight packets) then waits in
 * that process, not in the driver's event loop, and the driver forks no process for it: a fork of the
 * ~100 MB driver costs more than the request. Each command is followed by `ip link show dev lo`, whose
 * first line on stdout says the command before it has finished; `-force` keeps the process going after a
 * failed command, whose message goes to stderr. One command is sent at a time: stdout and stderr are two
 * pipes, read in no set order, so the stderr lines read between two markers are the running command's
 * only when no other command runs. The process is started on the first command and again after it exits.
 */
export class IpBatch {
  private child?: ChildProcess;
  /** The command running (the first) and those waiting for it. */
  private readonly queue: Command[] = [];
  private closed = false;

  /** Runs `line` (e.g. "link delete group 7304814"); resolves with its stderr lines once it finished. */
  run(line: string): Promise<IpBatchResult> {
    if (this.closed) return Promise.reject(new Error('ip batch closed'));
    if (/[\n\r]/.test(line)) return Promise.reject(new Error('one command per call'));
    let cmd!: Command;
    const result = new Promise<IpBatchResult>((resolve, reject) => (cmd = { line, resolve, reject, errors: [] }));
    cmd.done = result.then(
      () => undefined,
      () => undefined,
    );
    this.queue.push(cmd);
    if (this.queue.length === 1) this.send();
    return result;
  }

  /** Ends the process once the commands sent so far have finished. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.queue.map((c) => c.done));
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      hold(child, true);
      child.once('close', () => resolve());
      child.stdin!.end();
    });
  }

  /** Sends the first command of the queue to the process (starting one if there is none). */
  private send(): void {
    const cmd = this.queue[0];
    if (!cmd) return;
    const child = this.started();
    cmd.timer = setTimeout(() => this.fail(child, new Error(`ip: no answer to "${cmd.line}" in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    cmd.timer.unref();
    hold(child, true);
    child.stdin!.write(`${cmd.line}\n${MARKER_COMMAND}\n`);
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn('ip', ['-force', '-batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdin!.on('error', () => undefined); // reported by 'close' below
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (!MARKER_LINE.test(l)) return;
      // The command's stderr, written before the marker, may be read just after it: finish on the next turn.
      setImmediate(() => this.finishRunning(child));
    });
    createInterface({ input: child.stderr! }).on('line', (l) => {
      if (l.trim()) this.queue[0]?.errors.push(l.trim());
    });
    child.on('error', (e) => this.fail(child, e));
    // After the marker already read: its command finished before the process went.
    child.on('close', (code, signal) => setImmediate(() => this.fail(child, new Error(`ip exited (${signal ?? `code ${code}`})`))));
    return child;
  }

  private finishRunning(child: ChildProcess): void {
    if (this.child !== child) return;
    const cmd = this.queue.shift();
    if (!cmd) return;
    clearTimeout(cmd.timer);
    if (this.queue.length === 0) hold(child, false);
    cmd.resolve({ errors: cmd.errors });
    this.send();
  }

  /** The process is gone or stuck: every command queued fails, and the next one starts a new process. */
  private fail(child: ChildProcess, e: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const cmd of this.queue.splice(0)) {
      clearTimeout(cmd.timer);
      cmd.reject(e);
    }
  }
}

/** An idle helper must not keep a process alive that has nothing else to do (a test, a CLI command). */
function hold(child: ChildProcess, ref: boolean): void {
  for (const h of [child, child.stdin, child.stdout, child.stderr] as ({ ref(): unknown; unref(): unknown } | null)[]) {
    if (ref) h?.ref();
    else h?.unref();
  }
}
