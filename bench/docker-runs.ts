/**
 * `docker run` measurements for B2 and B5. Everything made here carries LABEL, so cleanup() finds it even
 * after a failed run.
 */
import { BUSYBOX_IMAGE, DOCKER_CLI, docker } from '../test/harness/docker';
import { waitFor } from '../test/harness/stack';
import { now, spawnCollect } from './lib';

export const LABEL = 'docker-ovn-bench=1';

/**
 * The container's program: ping the peer (passed as $1, never spliced into the script) until a reply
 * comes, then print how many tries it took. It runs inside the container; the bench spawns no shell.
 */
const PING_UNTIL_REPLY =
  'echo up; n=1; until ping -c 1 -W 1 "$1" >/dev/null 2>&1; do n=$((n+1)); [ $n -le 180 ] || exit 1; done; echo "pinged $n"';

export async function networkCreate(name: string, driver: string, subnet: string, ...extra: string[]): Promise<void> {
  await docker('network', 'create', '-d', driver, '--label', LABEL, '--subnet', subnet, ...extra, name);
}

/** A long-running container on `net`; resolves with its address there. */
export async function peer(net: string, name: string): Promise<string> {
  await docker('run', '-d', '--name', name, '--label', LABEL, '--net', net, BUSYBOX_IMAGE, 'sleep', '3600');
  const ip = (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, name)).trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`peer ${name} on ${net} has no IPv4 address (got "${ip}")`);
  return ip;
}

/**
 * Milliseconds from spawning `docker run` until the new container's first successful ping of `peerIp`
 * (seen on the attached output), and how many pings it took (one try waits up to 1 s for its reply; the
 * container gives up after 180). The container is removed afterwards, outside the timing.
 */
export async function runUntilPing(
  net: string,
  name: string,
  peerIp: string,
  extra: string[] = [],
): Promise<{ ms: number; tries: number; upMs: number }> {
  const t0 = now();
  let t1: number | undefined;
  let up: number | undefined;
  let out = '';
  const result = await spawnCollect(
    DOCKER_CLI,
    ['run', '--name', name, '--label', LABEL, '--net', net, ...extra, BUSYBOX_IMAGE, 'sh', '-c', PING_UNTIL_REPLY, 'sh', peerIp],
    (chunk) => {
      out += chunk;
      if (up === undefined && out.includes('up')) up = now();
      if (t1 === undefined && out.includes('pinged')) t1 = now();
    },
  ).finally(() => docker('rm', '-f', name).catch(() => undefined));
  if (result.code !== 0 || t1 === undefined || up === undefined)
    throw new Error(`docker run on ${net} failed (${result.code}): ${result.stderr || result.stdout}`);
  return { ms: t1 - t0, tries: Number(/pinged (\d+)/.exec(out)?.[1] ?? NaN), upMs: up - t0 };
}

/**
 * `count` parallel `docker run -d` on `net`: wall time until all returned, each one's latency, and the
 * wall time of removing them all (`docker rm -f`, in parallel too).
 */
export async function parallelRuns(
  net: string,
  prefix: string,
  count: number,
): Promise<{ wallMs: number; each: number[]; removeMs: number; failed: number }> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const t0 = now();
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const t = now();
      await docker('run', '-d', '--name', name, '--label', LABEL, '--net', net, BUSYBOX_IMAGE, 'sleep', '3600');
      return now() - t;
    }),
  );
  const wallMs = now() - t0;
  const each = results.filter((r): r is PromiseFulfilledResult<number> => r.status === 'fulfilled').map((r) => r.value);
  const failed = results.filter((r) => r.status === 'rejected');
  const t2 = now();
  await Promise.allSettled(names.map((name) => docker('rm', '-f', name)));
  const removeMs = now() - t2;
  if (failed.length > 0)
    throw new Error(`${failed.length}/${count} docker run on ${net} failed: ${(failed[0] as PromiseRejectedResult).reason}`);
  return { wallMs, each, removeMs, failed: failed.length };
}

/**
 * `count` concurrent `docker run`, each until its first ping of `peerIp` (as runUntilPing): the time from
 * starting them all until the last one's first reply, each one's own time, and the runs that failed (they
 * are counted, not thrown: a failure under concurrency is a result).
 */
export async function concurrentRunsUntilPing(
  net: string,
  prefix: string,
  count: number,
  peerIp: string,
): Promise<{ wallMs: number; each: number[]; failed: number; firstError?: string }> {
  const t0 = now();
  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const start = now() - t0;
      const r = await runUntilPing(net, `${prefix}-${i}`, peerIp);
      return { ms: r.ms, replyAt: start + r.ms };
    }),
  );
  const ok = results
    .filter((r): r is PromiseFulfilledResult<{ ms: number; replyAt: number }> => r.status === 'fulfilled')
    .map((r) => r.value);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  // runUntilPing resolves only after removing its container: the wall time ends at the last first reply.
  return {
    wallMs: ok.length ? Math.max(...ok.map((r) => r.replyAt)) : NaN,
    each: ok.map((r) => r.ms),
    failed: failed.length,
    firstError: failed[0] ? String(failed[0].reason) : undefined,
  };
}

/**
 * Removes every container and network carrying LABEL. dockerd can still count a just-removed container's
 * endpoint for a moment ("has active endpoints"): the removal is retried, force-disconnecting what is left.
 */
export async function cleanup(): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids);
  const nets = (await docker('network', 'ls', '-q', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
  for (const net of nets) {
    await waitFor(
      async () => {
        const left = (await docker('network', 'inspect', '-f', '{{range $id, $c := .Containers}}{{$id}} {{end}}', net).catch(() => ''))
          .split(' ')
          .filter(Boolean);
        for (const c of left) await docker('network', 'disconnect', '-f', net, c).catch(() => undefined);
        return docker('network', 'rm', net).then(
          () => true,
          (e: Error) => {
            if (/No such network|not found/i.test(e.message)) return true;
            throw e;
          },
        );
      },
      { timeoutMs: 20_000, intervalMs: 500, what: `docker network rm ${net}` },
    );
  }
}
