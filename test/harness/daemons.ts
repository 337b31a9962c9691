/** Fault injection on a stack's daemons: hang (SIGSTOP/SIGCONT) or kill and start again with the same arguments. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { processAlive, run, waitFor } from './stack';
import type { Stack } from './stack';

export function daemonPid(stack: Stack, pidfile: string): number {
  return Number(readFileSync(path.join(stack.dir, pidfile), 'utf8').trim());
}

export function hang(stack: Stack, pidfile: string): () => void {
  const pid = daemonPid(stack, pidfile);
  process.kill(pid, 'SIGSTOP');
  return () => process.kill(pid, 'SIGCONT');
}

/** Kills the daemon with SIGKILL and returns a function that starts it again exactly as it was started. */
export async function kill(stack: Stack, pidfile: string): Promise<() => Promise<void>> {
  const pid = daemonPid(stack, pidfile);
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const env = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !processAlive(pid), { timeoutMs: 5000, what: `pid ${pid} to die` });
  return async () => {
    // The daemons run with --detach, so this returns once the new one is up.
    await run(argv[0], argv.slice(1), { env });
  };
}
