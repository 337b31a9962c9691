/**
 * Shared set-up of the e2e files: a private OVN + OVS stack, dockerd, the driver as a legacy plugin, and
 * helpers that label what they make so a failed test never leaves it to the next one.
 */
import { writeFile } from 'node:fs/promises';
import { after, afterEach, before } from 'node:test';
import { BUSYBOX_IMAGE, docker, DockerEngine, ensureDocker } from '../harness/docker';
import { DriverProcess } from '../harness/driver-process';
import { freePort, Stack } from '../harness/stack';

export const LABEL = 'docker-ovn-e2e=1';

export interface OvnDocker {
  stack: Stack;
  driver: DriverProcess;
  /** `docker run -d` of a labelled busybox on `net`, running `cmd` (default: sleep). */
  run(net: string, extra?: string[], cmd?: string[]): Promise<string>;
  /** `docker network create -d <driver>` with a label. */
  netCreate(name: string, ...args: string[]): Promise<string>;
  ipOf(container: string, net: string): Promise<string>;
  /** Removes every labelled container and network. */
  cleanup(): Promise<void>;
}

/** Registers before/after hooks in the calling describe() and returns the context they fill. */
export function useOvnDocker(driverEnv: Record<string, string> = {}): OvnDocker {
  let engine: DockerEngine | undefined;
  const ctx = {
    async run(net: string, extra: string[] = [], cmd: string[] = ['sleep', '600']) {
      return (await docker('run', '-d', '--label', LABEL, '--net', net, ...extra, BUSYBOX_IMAGE, ...cmd)).trim();
    },
    netCreate(name: string, ...args: string[]) {
      return docker('network', 'create', '-d', ctx.driver.name, '--label', LABEL, ...args, name);
    },
    async ipOf(container: string, net: string) {
      return (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, container)).trim();
    },
    async cleanup() {
      const ids = (await docker('ps', '-aq', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
      if (ids.length) await docker('rm', '-f', ...ids);
      const nets = (await docker('network', 'ls', '-q', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
      if (nets.length) await docker('network', 'rm', ...nets);
    },
  } as OvnDocker;

  before(async () => {
    ctx.stack = await Stack.up();
    engine = await ensureDocker();
    ctx.driver = await DriverProcess.start({ stack: ctx.stack, env: driverEnv });
  });

  afterEach(async () => {
    await ctx.cleanup().catch(() => undefined);
  });

  after(async () => {
    await ctx.cleanup().catch(() => undefined);
    await ctx.driver?.stop();
    // The driver's own log, for the failure that made someone read this.
    if (ctx.driver) await writeFile(`/tmp/docker-ovn-e2e-${ctx.driver.name}.log`, ctx.driver.logs).catch(() => undefined);
    await ctx.stack?.down();
    await engine?.stop();
  });

  return ctx;
}

/** useOvnDocker with the driver's HTTP listener on a free port; `http.url` is its base URL once the hooks ran. */
export function useOvnDockerWithHttp(): { t: OvnDocker; http: { url: string } } {
  // Filled before the driver starts (hooks run in order of registration).
  const env: Record<string, string> = {};
  const http = { url: '' };
  before(async () => {
    const port = await freePort();
    env.OVN_DRIVER_PORT = String(port);
    http.url = `http://127.0.0.1:${port}`;
  });
  return { t: useOvnDocker(env), http };
}
