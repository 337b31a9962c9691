/**
 * Docker engine for real-stack tests (scripts/docker-up.sh).
 *
 *   const engine = await ensureDocker();   // starts containerd + dockerd if `docker info` fails
 *   await docker('run', '--rm', '--net=none', BUSYBOX_IMAGE, 'echo', 'hi');
 *   await engine.stop();                   // stops dockerd/containerd only if ensureDocker started them
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, run, RunOptions } from './stack';

/** Image made by docker-up.sh from busybox-static (every busybox applet under /bin). */
export const BUSYBOX_IMAGE = 'busybox:local';

/** Where docker-up.sh keeps logs/pids of the engine it starts. */
export const DEFAULT_DOCKER_DIR = '/var/run/docker-ovn-driver-harness';

/**
 * The docker client: $DOCKER, else Debian's /usr/bin/docker (same 20.10 release
 * as dockerd), else `docker` from PATH.
 */
export const DOCKER_CLI = process.env.DOCKER || (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');

/** Run the docker client with an argument array; resolves to stdout. */
export function docker(...args: string[]): Promise<string> {
  return run(DOCKER_CLI, args, { timeout: 120_000 });
}

/** Like docker(...), with options (env, timeout). */
export function dockerWith(opts: RunOptions, ...args: string[]): Promise<string> {
  return run(DOCKER_CLI, args, { timeout: 120_000, ...opts });
}

export interface DockerEngine {
  /** true if ensureDocker started dockerd itself (so stop() will stop it) */
  started: boolean;
  image: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Make sure a Docker engine answers and busybox:local exists. Starts containerd
 * and dockerd (in the background, logs under `dir`) only if none answers.
 * stop() is a no-op when the engine was already running.
 *
 * Note: if several test processes share one engine, only call stop() where
 * no other process still needs it (or leave the engine running).
 */
export async function ensureDocker(opts: { dir?: string; timeoutSec?: number; dockerdArgs?: string[] } = {}): Promise<DockerEngine> {
  const dir = opts.dir ?? DEFAULT_DOCKER_DIR;
  const script = path.join(repoRoot(), 'scripts', 'docker-up.sh');
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER: DOCKER_CLI, IMAGE: BUSYBOX_IMAGE };
  if (opts.timeoutSec) env.DOCKER_TIMEOUT = String(opts.timeoutSec);
  // Only for a dockerd this call starts: one that already answers is used as it is.
  if (opts.dockerdArgs) env.DOCKERD_ARGS = opts.dockerdArgs.join(' ');
  const out = await run('bash', [script, 'up', dir], { env, timeout: ((opts.timeoutSec ?? 60) * 2 + 60) * 1000 });
  const m = /^STARTED=([01])$/m.exec(out);
  if (!m) throw new Error(`docker-up.sh printed no STARTED= line:\n${out}`);
  const started = m[1] === '1';
  let stopped = false;
  return {
    started,
    image: BUSYBOX_IMAGE,
    dir,
    async stop() {
      if (!started || stopped) return;
      stopped = true;
      await run('bash', [script, 'down', dir], { env, timeout: 120_000 });
    },
  };
}

/**
 * Stops the engine scripts/docker-up.sh started in DEFAULT_DOCKER_DIR (with `dockerdOnly`, dockerd alone, as
 * `systemctl restart docker` does: containerd and a live-restore engine's containers keep running). Fails
 * when an engine still answers: a test that restarts the engine needs one the harness started.
 */
export async function stopHarnessEngine(opts: { dockerdOnly?: boolean } = {}): Promise<void> {
  await run('bash', [path.join(repoRoot(), 'scripts', 'docker-up.sh'), 'down', DEFAULT_DOCKER_DIR], {
    env: { ...process.env, DOCKERD_ONLY: opts.dockerdOnly ? '1' : '0' },
    timeout: 120_000,
  });
  const stillUp = await docker('info').then(
    () => true,
    () => false,
  );
  if (stillUp)
    throw new Error(
      'an engine still answers after docker-up.sh down: the test restarts the engine, it must be one scripts/docker-up.sh started',
    );
}
