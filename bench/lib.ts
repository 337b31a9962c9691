/**
 * Shared pieces of `make bench`: sample statistics, result rows (every figure next to its baseline from the
 * same run), tables, the machine description and small process helpers.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../test/harness/stack';
import type { Stack } from '../test/harness/stack';

export interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}

export function stats(xs: readonly number[]): Stats {
  const sum = xs.reduce((a, b) => a + b, 0);
  return {
    n: xs.length,
    p50: percentile(xs, 0.5),
    p90: percentile(xs, 0.9),
    p99: percentile(xs, 0.99),
    mean: xs.length ? sum / xs.length : NaN,
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
  };
}

/** A target on a row: on its ratio to the baseline, or on its absolute value. */
export interface Target {
  /** What is compared with `limit`: `ratio` (value / baseline), `speedup` (baseline / value) or `value`. */
  on: 'ratio' | 'speedup' | 'value';
  op: '<=' | '>=';
  limit: number;
  text: string;
}

/** One measured figure, its baseline from the same run, and the ratio between them. */
export interface Row {
  id: string;
  what: string;
  unit: string;
  value: number;
  baseline: number;
  baselineWhat: string;
  /** value / baseline */
  ratio: number;
  /** baseline / value (for "n× faster" figures) */
  speedup: number;
  target?: Target;
  /** How the table shows the ratio: value/baseline (default) or "n× faster". */
  show?: 'ratio' | 'speedup';
  /** Whether the target holds; absent for rows without a target and in smoke runs. */
  met?: boolean;
  /** The distributions behind value and baseline, when they are percentiles of a sample. */
  valueStats?: Stats;
  baselineStats?: Stats;
  note?: string;
}

export function row(
  id: string,
  what: string,
  unit: string,
  value: number,
  baseline: number,
  baselineWhat: string,
  extra: Partial<Pick<Row, 'target' | 'show' | 'valueStats' | 'baselineStats' | 'note'>> = {},
): Row {
  return { id, what, unit, value, baseline, baselineWhat, ratio: value / baseline, speedup: baseline / value, ...extra };
}

/** Evaluates a row's target (not in smoke runs: tiny samples prove nothing). */
export function judge(r: Row, smoke: boolean): Row {
  if (!r.target || smoke) return r;
  const x = r.target.on === 'ratio' ? r.ratio : r.target.on === 'speedup' ? r.speedup : r.value;
  return { ...r, met: r.target.op === '<=' ? x <= r.target.limit : x >= r.target.limit };
}

export interface BenchResult {
  id: string;
  title: string;
  rows: Row[];
  /** Extra figures (per-verb latencies, counts) that explain the rows. */
  details?: Record<string, unknown>;
  seconds: number;
}

const fmt = (x: number, unit: string): string => {
  if (!Number.isFinite(x)) return String(x);
  if (unit === 'MB') return x.toFixed(1);
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
};

/** Markdown table of a benchmark's rows. */
export function table(b: BenchResult): string {
  const lines = [
    `### ${b.id} ${b.title} (${b.seconds.toFixed(1)} s)`,
    '',
    '| figure | value | baseline | ratio | target | met |',
    '|---|---:|---|---:|---|---|',
  ];
  for (const r of b.rows) {
    const ratio =
      (r.show ?? (r.target?.on === 'speedup' ? 'speedup' : 'ratio')) === 'speedup'
        ? `${r.speedup.toFixed(1)}× faster`
        : `${r.ratio.toFixed(2)}×`;
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(
      `| ${r.what} | ${fmt(r.value, r.unit)} ${r.unit} | ${r.baselineWhat}: ${fmt(r.baseline, r.unit)} ${r.unit} | ${ratio} | ${r.target?.text ?? ''} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/** The machine the figures come from. */
export async function machine(): Promise<Record<string, string | number>> {
  const first = async (cmd: string, args: string[]) => (await run(cmd, args).catch((e: Error) => e.message)).split('\n')[0]!.trim();
  // The daemons the stack runs: this host's, or those of STACK_ROOTFS (scripts/compat-run.sh), whose
  // versions the host's client commands would not tell.
  const root = process.env.STACK_ROOTFS;
  const daemon = (cmd: string) => (root ? first('chroot', [root, cmd, '--version']) : first(cmd, ['--version']));
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    kernel: os.release(),
    ovs: await daemon('ovs-vswitchd'),
    ovn: await daemon('ovn-northd'),
    docker: (await run('docker', ['version', '--format', '{{.Server.Version}}']).catch(() => 'dockerd not running (yet)')).trim(),
    node: process.version,
    loadavgAtStart: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
}

/** VmRSS (and VmHWM) of a process, in MB, from /proc/PID/status. */
export function rssMB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/**
 * The environment for OVS/OVN command-line clients talking to a stack: its own run directory, never a
 * system one, and no ovn-nbctl daemon (what Stack does for its own nbctl/vsctl).
 */
export function clientEnv(stack: Stack): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['OVS_RUNDIR', 'OVS_LOGDIR', 'OVS_DBDIR', 'OVN_RUNDIR', 'OVN_LOGDIR', 'OVN_DBDIR']) env[k] = stack.dir;
  delete env.OVN_NB_DAEMON;
  delete env.OVN_SB_DAEMON;
  return env;
}

/** Runs `cmd args` (no shell) and resolves with its exit code once it exits, collecting stdout. */
export function spawnCollect(
  cmd: string,
  args: string[],
  onStdout?: (chunk: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      onStdout?.(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const now = (): number => performance.now();

/** A random 64-hex-digit ID like Docker's (veth names take its first 12 digits, so it must be random). */
export function dockerId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Environment every driver the bench starts gets on top of its own: BENCH_DRIVER_ENV (a JSON object) and,
 * with BENCH_CPU_PROF=DIR, the profiler preload (node refuses --cpu-prof in NODE_OPTIONS).
 */
export function experimentEnv(): Record<string, string> {
  const env = JSON.parse(process.env.BENCH_DRIVER_ENV ?? '{}') as Record<string, string>;
  if (process.env.BENCH_CPU_PROF) {
    const dir = path.resolve(process.env.BENCH_CPU_PROF);
    mkdirSync(dir, { recursive: true });
    env.NODE_OPTIONS = `--require ${path.join(__dirname, 'cpu-prof-hook.js')}`;
    env.BENCH_CPU_PROF_DIR = dir;
  }
  return env;
}
