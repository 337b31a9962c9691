/**
 * README.md's commands, run verbatim (test/harness/doc-blocks.ts) as a user runs them after `make run`: the
 * driver as the legacy plugin "ovn" with its HTTP listener on 127.0.0.1:9105 and its default log file,
 * a real dockerd started as `make run` starts it (--iptables=false), real OVN + OVS, and
 * `eval "$(bash scripts/stack.sh env)"` finding that stack as it finds `make run`'s embedded one.
 * Egress is shown the README's way: an address in another network namespace, which has no route back to
 * docker_gwbridge's subnet, answers once the README's NAT rule is in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { docBlock } from '../harness/doc-blocks';
import { docker, DockerEngine, ensureDocker } from '../harness/docker';
import { DriverProcess } from '../harness/driver-process';
import { repoRoot, run, Stack } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';

/** What README.md names: plugin "ovn", the default HTTP listener and log file. */
const README_DRIVER = { name: 'ovn', env: { OVN_DRIVER_PORT: '9105', OVN_DRIVER_LOG_FILE: '/var/log/openvswitch/docker-ovn-driver.log' } };
const README_CONTAINERS = ['app'];
const README_NETWORKS = ['public', 'x', 'y', 'dual'];
/** "The outside": a namespace behind a host-side veth, with no route back to docker_gwbridge's subnet. */
const OUTSIDE = { netns: 'ovnreadme-out', hostEnd: 'ovnrdm0', nsEnd: 'ovnrdm1', hostIp: '198.51.100.1', ip: '198.51.100.2' };

/** The JSON bodies curl printed one after the other (no newline between them). */
function jsonBodies(text: string): unknown[] {
  const bodies: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' && depth++ === 0) start = i;
    else if (c === '}' && --depth === 0) bodies.push(JSON.parse(text.slice(start, i + 1)));
  }
  return bodies;
}

describe('README.md commands, verbatim (e2e)', () => {
  let stack: Stack;
  let engine: DockerEngine | undefined;
  let driver: DriverProcess | undefined;
  let ipForward = '0';

  /** Runs a README block in bash, from the repository root, as `make run`'s user would. */
  const block = (id: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, STACK_DIR: stack.dir };
    // `stack.sh env` must find the stack the way it finds `make run`'s, not through the driver's settings.
    delete env.OVN_DRIVER_NB;
    return run('bash', ['-e', '-c', docBlock(id)], { cwd: repoRoot(), env, timeout: 120_000 });
  };
  const ping = (ip: string) => docker('exec', 'app', 'ping', '-c', '1', '-W', '2', ip);
  const removeReadmeObjects = async () => {
    await docker('rm', '-f', ...README_CONTAINERS).catch(() => undefined);
    for (const n of README_NETWORKS) await docker('network', 'rm', n).catch(() => undefined);
  };

  before(async () => {
    stack = await Stack.up();
    engine = await ensureDocker();
    // As dockerd left it (it turns forwarding on unless told not to): the README's block may change it.
    ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    driver = await DriverProcess.start({ stack, ...README_DRIVER });
  });

  after(async () => {
    await removeReadmeObjects();
    await run('ip', ['netns', 'del', OUTSIDE.netns]).catch(() => undefined);
    await run('sysctl', ['-w', `net.ipv4.ip_forward=${ipForward}`]).catch(() => undefined);
    await driver?.stop();
    await stack?.down();
    await engine?.stop();
  });

  it('quick start: network create, docker run --name app, and a ping from a second container', async () => {
    const out = await block('quick-start');
    assert.match(out, /1 packets transmitted, 1 packets received/);
  });

  it('troubleshooting: the log, the HTTP listener, the log level and the debug views answer as shown', async () => {
    await block('troubleshoot-log');
    assert.deepEqual(jsonBodies(await block('troubleshoot-http')), [
      { Scope: 'local', ConnectivityScope: 'local' },
      { status: 'ready', nb: 'ready', ovs: 'ready' },
      { status: 'ok' },
    ]);
    assert.deepEqual(jsonBodies(await block('troubleshoot-log-level')), [
      { level: 'debug', previous: 'info' },
      { level: 'info', previous: 'debug' },
    ]);
    const views = await block('troubleshoot-views');
    assert.match(views, /docker-default-10\.10\.10\.0_23/, 'the database view shows the switch of "public"');
  });

  it('troubleshooting: from a container to its logical port and OVS interface, with the tools aimed by stack.sh env', async () => {
    const endpoint = (await docker('inspect', '-f', '{{(index .NetworkSettings.Networks "public").EndpointID}}', 'app')).trim();
    const out = await block('troubleshoot-port');
    assert.match(out, /"Value":\{/, 'EndpointOperInfo');
    assert.match(out, new RegExp(`name\\s+: "?${endpoint}"?`), 'ovn-nbctl found the logical switch port');
    assert.match(out, new RegExp(`iface-id="?${endpoint}"?`), 'ovs-vsctl found the interface');
    assert.match(out, new RegExp(`logical_port\\s+: "?${endpoint}"?`), 'ovn-sbctl found the binding');
    assert.match(out, /\(br-int\): addr:/, 'ovs-ofctl reached br-int');
    assert.match(out, /^connected$/m, 'ovn-appctl reached ovn-controller');
  });

  it('troubleshooting: the CLI reports ready, a clean doctor, the endpoint of app installed, and the topology', async () => {
    const out = await block('troubleshoot-cli');
    assert.match(out, /^ready\s+true$/m, 'status');
    assert.match(out, /^nbRemote\s+(unix|tcp|ssl):/m, 'status names the NB remote');
    for (const check of [
      'NB reachable',
      'integration bridge present',
      'encap ip set',
      'ovn-controller running',
      'no orphans',
      'containers and dockerd as the reconciler sees them',
    ])
      assert.match(out, new RegExp(`^ok\\s+${check}:`, 'm'), `doctor: ${check}`);
    assert.doesNotMatch(out, /^FAIL/m);
    assert.match(out, /^\S+\s+default\s+10\.10\.10\.0\/23\s+10\.10\.10\.1\s/m, 'networks: public');
    assert.match(
      out,
      new RegExp(`10\\.10\\.1[01]\\.\\d+/23\\s+\\S+\\s+${stack.chassis}\\s+yes\\s+yes$`, 'm'),
      'endpoints app: up and installed',
    );
    assert.match(out, /^graph LR$/m, 'topology as mermaid');
  });

  it("egress: an address beyond the host answers only with the README's forwarding and NAT", async () => {
    await run('ip', ['netns', 'add', OUTSIDE.netns]);
    await run('ip', ['link', 'add', OUTSIDE.hostEnd, 'type', 'veth', 'peer', 'name', OUTSIDE.nsEnd, 'netns', OUTSIDE.netns]);
    await run('ip', ['addr', 'add', `${OUTSIDE.hostIp}/24`, 'dev', OUTSIDE.hostEnd]);
    await run('ip', ['link', 'set', OUTSIDE.hostEnd, 'up']);
    const inNs = (...args: string[]) => run('ip', ['netns', 'exec', OUTSIDE.netns, ...args]);
    await inNs('ip', 'addr', 'add', `${OUTSIDE.ip}/24`, 'dev', OUTSIDE.nsEnd);
    await inNs('ip', 'link', 'set', OUTSIDE.nsEnd, 'up');
    await inNs('ip', 'link', 'set', 'lo', 'up');
    await assert.rejects(ping(OUTSIDE.ip), /failed/, 'no way back before the README block');
    await block('egress-nat');
    await ping(OUTSIDE.ip);
    await block('egress-nat-undo');
    assert.doesNotMatch(await run('iptables', ['-t', 'nat', '-S', 'POSTROUTING']), /docker_gwbridge/, 'the rule is gone');
    await run('ip', ['netns', 'del', OUTSIDE.netns]);
  });

  it('quick start cleanup leaves nothing in NB, OVS or on the host', async () => {
    await block('quick-start-cleanup');
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('IPAM: the same subnet in two vrfs and a dual-stack network, from the driver as IPAM driver', async () => {
    await block('ipam-pools');
    const pools = (await stack.nbctl('--bare', '--columns=cidr', 'find', 'DHCP_Options', 'external_ids:docker-ovn\\:ipam=pool'))
      .split('\n')
      .filter((l) => l.trim());
    assert.equal(pools.length, 4, `one pool row per pool: ${pools.join(', ')}`);
    await docker('network', 'rm', 'x', 'y', 'dual');
    assert.deepEqual(await leftovers(stack), NOTHING);
  });
});
