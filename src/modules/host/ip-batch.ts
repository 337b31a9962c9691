import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What one command printed on stderr ("RTNETLINK answers: …", "Command failed -:N"). */
export interface IpBatchResult {
  errors: string[];
}

interface Pending {
  resolve: (r: IpBatchResult) => void;
  reject: (e: Error) => void;
  errors: string[];
  timer: NodeJS.Timeout;
}

/** `ip link show dev lo` prints "N: lo: <…>" first: the end of the command before it. */
const MARKER_COMMAND = 'link show dev lo';
const MARKER_LINE = /^\d+: lo[:@]/;

/**
 * One long-lived `ip -force -batch -` process that runs commands sent to its stdin, in order. A command
 * whose kernel request waits (deleting links waits for an RCU grace period and for in-flight packets)
 * then waits in that process, not in the driver's event loop, and the driver forks no process for it:
 * a fork of the ~100 MB driver costs more than the request. Each command is followed by
 * `ip link show dev lo`, whose first line on stdout says the command before it has finished; `-force`
 * keeps the process going after a failed command, whose message goes to stderr.
 * The process is started on the first command and again after it exits.
 */
export class IpBatch {
  private child?: ChildProcess;
  private readonly pending: Pending[] = [];
  private closed = false;

  constructor(
    private readonly command = 'ip',
    private readonly timeoutMs = 60_000,
  ) {}

  /** Runs `line` (e.g. "link delete group 7304814"); resolves with its stderr lines once it finished. */
  run(line: string): Promise<IpBatchResult> {
    if (this.closed) return Promise.reject(new Error('ip batch closed'));
    if (/[\n\r]/.test(line)) return Promise.reject(new Error('one command per call'));
    const child = this.started();
    return new Promise<IpBatchResult>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(child, new Error(`ip: no answer to "${line}" in ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
      this.pending.push({ resolve, reject, errors: [], timer });
      hold(child, true);
      child.stdin!.write(`${line}\n${MARKER_COMMAND}\n`);
    });
  }

  /** Ends the process once the commands sent so far have finished. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    hold(child, true);
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      child.stdin!.end();
    });
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(this.command, ['-force', '-batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdin!.on('error', () => undefined); // reported by 'close' below
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (!MARKER_LINE.test(l)) return;
      // stderr written before the marker may be read after it in the same poll: settle on the next turn.
      setImmediate(() => this.finishOldest());
    });
    createInterface({ input: child.stderr! }).on('line', (l) => {
      if (l.trim()) this.pending[0]?.errors.push(l.trim());
    });
    child.on('error', (e) => this.fail(child, e));
    // After the markers already read: their commands finished before the process went.
    child.on('close', (code, signal) => setImmediate(() => this.fail(child, new Error(`ip exited (${signal ?? `code ${code}`})`))));
    return child;
  }

  private finishOldest(): void {
    const p = this.pending.shift();
    if (!p) return;
    clearTimeout(p.timer);
    if (this.pending.length === 0 && this.child) hold(this.child, false);
    p.resolve({ errors: p.errors });
  }

  /** The process is gone or stuck: every command still waiting fails, and the next one starts a new one. */
  private fail(child: ChildProcess, e: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(e);
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
