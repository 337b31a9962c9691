/**
 * A complete Docker engine living in another network namespace of this machine: a "host" of its own.
 *
 * dockerd finds legacy plugins only in /run/docker/plugins, so each engine gets a private mount namespace in
 * which a directory of its own is bind-mounted on /run/docker (its exec root and plugins dir). A holder
 * process (`ip netns exec NS sleep infinity`: a new mount namespace, in NS) keeps both namespaces; the
 * engine's containerd, dockerd and driver run in them through `nsenter -t HOLDER -m -n`. Everything else is
 * per engine by flag: containerd's address/root/state, dockerd's data root, API socket (`-H`) and pidfile.
 * containerd is the engine's own: it must see the overlay mounts dockerd makes in the private mount namespace.
 *
 *   const e = await NamespacedEngine.start({ netns: 'hostB', stack: chassisB, label: 'host-b' });
 *   await e.docker('run', '-d', '--net', 'n', BUSYBOX_IMAGE, 'sleep', '600');
 *   await e.restartDockerd({ kill: true });
 *   await e.stop();
 */
import { ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdtemp, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUSYBOX_IMAGE, dockerWith } from './docker';
import { DriverProcess } from './driver-process';
import { processAlive, repoRoot, run, Stack, waitFor } from './stack';

export interface EngineOptions {
  /** Network namespace of the host (exists already; the chassis of `stack` runs there). */
  netns: string;
  /** The host's chassis: the driver uses its Open_vSwitch DB and integration bridge. */
  stack: Stack;
  /** Names the engine's logs kept after stop(): /tmp/docker-ovn-e2e-LABEL-{dockerd,containerd,driver}.log. */
  label: string;
  /** Environment of the driver (its NB comes from the Open_vSwitch DB's external_ids:ovn-nb unless set here). */
  driverEnv?: Record<string, string>;
}

/** Where the driver's socket is inside the engine's mount namespace: dockerd finds it as driver `ovn`. */
const PLUGIN_SOCKET = '/run/docker/plugins/ovn.sock';

export class NamespacedEngine {
  private holder?: ChildProcess;
  private containerd?: ChildProcess;
  private dockerd?: ChildProcess;
  private driverProcess?: DriverProcess;

  private constructor(
    readonly netns: string,
    readonly stack: Stack,
    /** Everything of this engine that is on disk (data root, exec root, sockets, logs). */
    readonly dir: string,
    private readonly label: string,
  ) {}

  static async start(opts: EngineOptions): Promise<NamespacedEngine> {
    const engine = new NamespacedEngine(opts.netns, opts.stack, await mkdtemp('/tmp/mh-engine-'), opts.label);
    try {
      await engine.enterNamespaces();
      await engine.startContainerd();
      await engine.startDockerd();
      // docker-up.sh finds an engine answering at DOCKER_HOST, so it only makes busybox:local there.
      await run('bash', [path.join(repoRoot(), 'scripts', 'docker-up.sh'), 'up', path.join(engine.dir, 'image')], {
        env: { ...process.env, DOCKER_HOST: engine.host, IMAGE: BUSYBOX_IMAGE },
        timeout: 120_000,
      });
      engine.driverProcess = await DriverProcess.start({
        stack: opts.stack,
        name: 'ovn',
        socket: PLUGIN_SOCKET,
        socketHere: path.join(engine.dir, 'run', 'plugins', 'ovn.sock'),
        wrap: engine.nsenter(),
        env: {
          OVN_DRIVER_NB: '',
          OVN_DRIVER_DOCKER_SOCKET: engine.apiSocket,
          OVN_DRIVER_LOG_FILE: path.join(engine.dir, 'driver.log'),
          ...opts.driverEnv,
        },
      });
      return engine;
    } catch (err) {
      await engine.stop().catch(() => undefined);
      throw err;
    }
  }

  /** DOCKER_HOST of this engine. */
  get host(): string {
    return `unix://${this.apiSocket}`;
  }

  get apiSocket(): string {
    return path.join(this.dir, 'docker.sock');
  }

  get driver(): DriverProcess {
    if (!this.driverProcess) throw new Error('engine has no driver');
    return this.driverProcess;
  }

  /** The docker CLI against this engine. */
  docker(...args: string[]): Promise<string> {
    return dockerWith({ env: { ...process.env, DOCKER_HOST: this.host }, timeout: 180_000 }, ...args);
  }

  /** Restarts dockerd: SIGTERM (containers stop, as on a reboot) or SIGKILL (containers keep running meanwhile). */
  async restartDockerd(opts: { kill?: boolean } = {}): Promise<void> {
    await this.stopChild(this.dockerd, opts.kill ? 'SIGKILL' : 'SIGTERM', 60_000);
    await this.startDockerd();
  }

  async restartDriver(): Promise<void> {
    await this.driver.stop();
    await this.driver.spawn();
  }

  /**
   * Removes every container (a few at a time: dockerd 20.10 miscounts a network's endpoints after a large
   * concurrent `rm`, moby#42119) and every network of the ovn driver.
   */
  async clean(): Promise<void> {
    const ids = (await this.docker('ps', '-aq')).split('\n').filter(Boolean);
    for (let i = 0; i < ids.length; i += 5) await this.docker('rm', '-f', ...ids.slice(i, i + 5));
    const nets = (await this.docker('network', 'ls', '-q', '--filter', 'driver=ovn')).split('\n').filter(Boolean);
    if (nets.length === 0) return;
    // dockerd 20.10 can keep counting the endpoints of containers removed in parallel ("has active
    // endpoints" with none left, moby/moby#42119): its count is re-read from its store when it restarts.
    // The driver's side is checked by the tests' leftovers, not by this.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.docker('network', 'rm', ...nets);
        return;
      } catch (e) {
        if (attempt >= 3 || !/has active endpoints/.test((e as Error).message)) throw e;
        if (attempt === 2) await this.restartDockerd();
        else await new Promise((r) => setTimeout(r, 1000));
        nets.splice(0, nets.length, ...(await this.docker('network', 'ls', '-q', '--filter', 'driver=ovn')).split('\n').filter(Boolean));
        if (nets.length === 0) return;
      }
    }
  }

  /** Stops the driver, dockerd, containerd and the holder, and removes the engine's directory. */
  async stop(): Promise<void> {
    if (this.dockerd && this.dockerd.exitCode === null) await this.clean().catch(() => undefined);
    await this.driverProcess?.stop();
    await this.stopChild(this.dockerd, 'SIGTERM', 60_000);
    await this.stopChild(this.containerd, 'SIGTERM', 30_000);
    await this.stopChild(this.holder, 'SIGKILL', 10_000);
    // The logs outlive the engine, for whoever reads a failure.
    for (const name of ['dockerd', 'containerd', 'driver']) {
      await copyFile(path.join(this.dir, `${name}.log`), `/tmp/docker-ovn-e2e-${this.label}-${name}.log`).catch(() => undefined);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Pids of this engine's processes still alive (expected after stop(): none). */
  alivePids(): number[] {
    return [this.holder, this.containerd, this.dockerd].map((c) => c?.pid ?? 0).filter((pid) => pid > 0 && processAlive(pid));
  }

  private nsenter(): string[] {
    return ['nsenter', '-t', String(this.holder!.pid), '-m', '-n', '--'];
  }

  private async enterNamespaces(): Promise<void> {
    // Not `ip netns exec`: it mounts a fresh /sys without the cgroup hierarchies dockerd needs. A copy of this
    // mount namespace keeps them; sysfs is then mounted again from inside the network namespace.
    const holder = spawn(
      'unshare',
      ['--mount', '--propagation', 'slave', 'nsenter', `--net=/run/netns/${this.netns}`, 'sleep', 'infinity'],
      { stdio: 'ignore' },
    );
    this.holder = holder;
    const pid = holder.pid!;
    // Mounting before unshare made the new mount namespace and nsenter exec'd sleep would mount on the machine's.
    await waitFor(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep', { timeoutMs: 10_000, what: 'the namespace holder' });
    const [runDir, cgroups] = [path.join(this.dir, 'run'), path.join(this.dir, 'cgroup')];
    await mkdir(path.join(runDir, 'plugins'), { recursive: true });
    await mkdir(cgroups);
    const script = [
      `mkdir -p /run/docker && mount --bind "${runDir}" /run/docker`,
      `mount --rbind /sys/fs/cgroup "${cgroups}" && mount -t sysfs sysfs /sys && mount --rbind "${cgroups}" /sys/fs/cgroup`,
    ].join('\n');
    await run('nsenter', [...this.nsenter(), 'sh', '-euc', script]);
  }

  private async startContainerd(): Promise<void> {
    const config = path.join(this.dir, 'containerd.toml');
    await writeFile(config, 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
    const sock = path.join(this.dir, 'containerd.sock');
    this.containerd = await this.daemon('containerd', [
      'containerd',
      '--config',
      config,
      '--address',
      sock,
      '--root',
      path.join(this.dir, 'containerd'),
      '--state',
      path.join(this.dir, 'containerd-state'),
    ]);
    await this.until('containerd', this.containerd, () => run('ctr', ['--address', sock, 'version'], { timeout: 5000 }));
  }

  private async startDockerd(): Promise<void> {
    const config = path.join(this.dir, 'daemon.json');
    await writeFile(config, '{}\n');
    this.dockerd = await this.daemon('dockerd', [
      'dockerd',
      '--config-file',
      config,
      '-H',
      this.host,
      '--data-root',
      path.join(this.dir, 'data'),
      '--exec-root',
      '/run/docker',
      '--pidfile',
      path.join(this.dir, 'docker.pid'),
      '--containerd',
      path.join(this.dir, 'containerd.sock'),
      '--iptables=false',
      '--ip-masq=false',
      '--bridge=none',
    ]);
    await this.until('dockerd', this.dockerd, () => this.docker('info', '--format', '{{.ServerVersion}}'));
  }

  /** Waits until `probe` succeeds; fails at once, with the end of the daemon's log, if the daemon exits. */
  private async until(name: string, child: ChildProcess, probe: () => Promise<unknown>): Promise<void> {
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`${name} exited (${child.exitCode ?? child.signalCode})`);
          return probe().then(
            () => true,
            () => false,
          );
        },
        { timeoutMs: 60_000, intervalMs: 250, what: `${name} in ${this.netns}` },
      );
    } catch (err) {
      const log = await readFile(path.join(this.dir, `${name}.log`), 'utf8').catch(() => '');
      throw new Error(`${(err as Error).message}\n--- ${name}.log (last lines)\n${log.trimEnd().split('\n').slice(-15).join('\n')}`);
    }
  }

  private async daemon(name: string, argv: string[]): Promise<ChildProcess> {
    const log = await open(path.join(this.dir, `${name}.log`), 'a');
    try {
      const child = spawn(this.nsenter()[0]!, [...this.nsenter().slice(1), ...argv], { stdio: ['ignore', log.fd, log.fd] });
      return child;
    } finally {
      await log.close();
    }
  }

  private async stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
