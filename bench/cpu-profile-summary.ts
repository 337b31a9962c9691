/**
 * Where a driver's CPU time went, from .cpuprofile files (BENCH_CPU_PROF=DIR make bench):
 *
 *   node dist/bench/cpu-profile-summary.js DIR/*.cpuprofile [--top 30]
 *
 * Prints self time by area (our src, ovsdb-client, each npm package, node internals, GC, idle) and the
 * functions with the most self and inclusive time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] === 'ovsdb-client' ? 'ovsdb-client' : `npm:${m[1]}`;
  if (url.includes('/packages/ovsdb-client/')) return 'ovsdb-client';
  const src = /\/dist\/src\/(modules\/[^/]+|[^/]+)/.exec(url);
  if (src) return `src/${src[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function label(f: CallFrame): string {
  const file = f.url.replace(/^.*\/(node_modules|dist|packages)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

function main(): void {
  const args = process.argv.slice(2);
  let top = 30;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else files.push(args[i]!);
  }
  if (files.length === 0) throw new Error('usage: cpu-profile-summary FILE.cpuprofile... [--top N]');
  const byArea = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const selfMs = new Map<number, number>();
    p.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
    for (const [id, ms] of selfMs) {
      const n = nodes.get(id)!;
      total += ms;
      const a = area(n.callFrame.url, n.callFrame.functionName);
      byArea.set(a, (byArea.get(a) ?? 0) + ms);
      const l = label(n.callFrame);
      self.set(l, (self.get(l) ?? 0) + ms);
      // Inclusive: every distinct function on the stack gets the sample once.
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const cl = label(nodes.get(cur)!.callFrame);
        if (seen.has(cl)) continue;
        seen.add(cl);
        inclusive.set(cl, (inclusive.get(cl) ?? 0) + ms);
      }
    }
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const print = (title: string, m: Map<string, number>, n: number, base: number) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`${v.toFixed(0).padStart(8)} ms ${((100 * v) / base).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log(`profiled ${(total / 1000).toFixed(1)} s, busy (not idle) ${(busy / 1000).toFixed(1)} s`);
  print('self time by area (% of busy)', new Map([...byArea].filter(([k]) => k !== '(idle)')), 40, busy);
  print(`top ${top} functions by self time (% of busy)`, new Map([...self].filter(([k]) => !k.startsWith('(idle)'))), top, busy);
  print(
    `top ${top} functions by inclusive time (% of busy)`,
    new Map([...inclusive].filter(([k]) => !/^\((idle|root|program)\)/.test(k))),
    top,
    busy,
  );
}

main();
