import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Stack, run, waitFor } from './stack';
import { docker, ensureDocker, BUSYBOX_IMAGE, DockerEngine } from './docker';

const SYSTEM_DIRS = ['/var/run/openvswitch', '/var/run/ovn', '/run/openvswitch', '/run/ovn'];

function listSystemDirs(): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  for (const d of SYSTEM_DIRS) out[d] = existsSync(d) ? readdirSync(d).sort() : null;
  return out;
}

/** Short unique tag: interface names must stay within 15 characters. */
const tag = () => randomBytes(2).toString('hex');

/** Network namespaces made by a test, deleted afterwards (their veth ends go with them). */
class Scratch {
  private readonly namespaces: string[] = [];

  async netns(name: string): Promise<string> {
    await run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    return name;
  }

  async cleanup(): Promise<void> {
    for (const ns of this.namespaces.splice(0)) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
}

interface Workload {
  ns: string;
  hostIf: string;
  lsp: string;
  mac: string;
  ip: string;
}

/**
 * A workload namespace with a veth pair: the peer end (with MAC/IP) inside
 * the namespace, the host end in br-int (moved into the stack's namespace
 * first if the stack has one) with external_ids:iface-id=lsp.
 */
async function addWorkload(stack: Stack, scratch: Scratch, t: string, i: number, lsp: string): Promise<Workload> {
  const ns = await scratch.netns(`hw${i}-${t}`);
  const hostIf = `hv${i}-${t}`;
  const peer = `cv${i}-${t}`;
  const mac = `0a:00:00:00:0${i}:01`;
  const ip = `10.250.0.${i}`;
  await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peer]);
  await run('ip', ['link', 'set', peer, 'netns', ns]);
  if (stack.netns) await run('ip', ['link', 'set', hostIf, 'netns', stack.netns]);
  await stack.exec('ip', 'link', 'set', hostIf, 'up');
  await run('ip', ['-n', ns, 'link', 'set', peer, 'address', mac]);
  await run('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', peer]);
  await run('ip', ['-n', ns, 'link', 'set', peer, 'up']);
  await stack.vsctl('add-port', stack.bridge, hostIf, '--', 'set', 'Interface', hostIf, `external_ids:iface-id=${lsp}`);
  return { ns, hostIf, lsp, mac, ip };
}

async function ping(fromNs: string, ip: string, attempts = 5): Promise<string> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await run('ip', ['netns', 'exec', fromNs, 'busybox', 'ping', '-c1', '-W2', ip], { timeout: 10_000 });
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw last;
}

/** Two workloads on one logical switch of `stack`; asserts the first pings the second. */
async function pingPair(stack: Stack, scratch: Scratch): Promise<void> {
  const t = tag();
  const sw = `sw-${t}`;
  const w1 = await addWorkload(stack, scratch, t, 1, `lsp1-${t}`);
  const w2 = await addWorkload(stack, scratch, t, 2, `lsp2-${t}`);
  await stack.nbctl(
    'ls-add',
    sw,
    '--',
    'lsp-add',
    sw,
    w1.lsp,
    '--',
    'lsp-set-addresses',
    w1.lsp,
    `${w1.mac} ${w1.ip}`,
    '--',
    'lsp-add',
    sw,
    w2.lsp,
    '--',
    'lsp-set-addresses',
    w2.lsp,
    `${w2.mac} ${w2.ip}`,
  );
  await stack.waitInstalled(w1.hostIf);
  await stack.waitInstalled(w2.hostIf);
  const bound = (await stack.sbctl('--bare', '--columns=logical_port', 'find', 'Port_Binding', `chassis!=[]`)).split(/\s+/);
  assert.ok(bound.includes(w1.lsp) && bound.includes(w2.lsp), `both LSPs bound in SB: ${bound.join(' ')}`);
  const out = await ping(w1.ns, w2.ip);
  assert.match(out, /1 packets received/);
}

describe('private OVN stack (scripts/stack.sh)', () => {
  let stack: Stack | undefined;
  const scratch = new Scratch();
  const systemBefore = listSystemDirs();

  before(async () => {
    const t0 = Date.now();
    stack = await Stack.up();
    console.log(`# stack up in ${Date.now() - t0} ms: ${stack.dir} chassis=${stack.chassis}`);
  });

  after(async () => {
    await scratch.cleanup();
    await stack?.down();
  });

  it('NB, SB and OVS databases answer', async () => {
    const s = stack!;
    assert.match(s.nbRemote, /^unix:\/tmp\//);
    assert.equal(s.ovsRemote, `unix:${s.dir}/ovs.sock`);
    await s.nbctl('show');
    await s.sbctl('show');
    assert.match(await s.vsctl('show'), /Bridge br-int/);
    assert.match(await s.appctl('vswitchd', 'version'), /ovs-vswitchd/);
    assert.match(await s.appctl('ovn-controller', 'connection-status'), /^connected/);
    const st = await s.status();
    assert.ok(st.ok, st.output);
  });

  it('chassis registers in SB', async () => {
    const s = stack!;
    const names = await waitFor(async () => (await s.sbctl('--bare', '--columns=name', 'find', 'Chassis', `name="${s.chassis}"`)).trim(), {
      what: 'chassis in SB',
    });
    assert.equal(names, s.chassis);
    assert.equal((await s.vsctl('get', 'Open_vSwitch', '.', 'external_ids:system-id')).trim().replace(/^"(.*)"$/, '$1'), s.chassis);
  });

  it('br-int exists with datapath_type netdev', async () => {
    const s = stack!;
    assert.equal(s.bridge, 'br-int');
    await s.vsctl('br-exists', 'br-int');
    assert.equal((await s.vsctl('get', 'Bridge', 'br-int', 'datapath_type')).trim(), 'netdev');
    assert.equal((await s.vsctl('get', 'Bridge', 'br-int', 'fail_mode')).trim(), 'secure');
  });

  it('a second stack in the same network namespace is refused with a hint', async () => {
    await assert.rejects(Stack.up({ timeoutSec: 10 }), /STACK_NETNS/);
    // the failed attempt must not have damaged the running stack's datapath
    assert.match(await run('ip', ['-o', 'link', 'show', 'ovs-netdev']), /ovs-netdev/);
    assert.ok((await stack!.status()).ok);
  });

  it('two namespaces on one logical switch ping each other (after the refused attempt)', async () => {
    await pingPair(stack!, scratch);
  });

  it('a second stack runs at the same time in its own network namespace', async () => {
    const t = tag();
    const second = await Stack.up({ netns: `hstk-${t}` });
    const scratch2 = new Scratch();
    try {
      assert.equal(second.netns, `hstk-${t}`);
      assert.notEqual(second.chassis, stack!.chassis);
      // each vswitchd manages only its own database
      assert.doesNotMatch(await second.vsctl('show'), /hv1-/);
      await pingPair(second, scratch2);
      // the first stack is unaffected
      assert.ok((await stack!.status()).ok);
    } finally {
      await scratch2.cleanup();
      await second.down();
    }
    assert.deepEqual(second.alivePids(), []);
    const nsList = await run('ip', ['netns', 'list']);
    assert.doesNotMatch(nsList, new RegExp(`hstk-${t}`), 'stack netns deleted by down');
  });

  it('down stops every daemon and touches no system directory', async () => {
    const s = stack!;
    assert.equal(s.pids.length, 6);
    assert.equal(s.alivePids().length, 6);
    await scratch.cleanup();
    await s.down();
    assert.deepEqual(s.alivePids(), [], 'no daemon of the stack is alive');
    assert.ok(!existsSync(s.dir), 'temp dir removed');
    const links = await run('ip', ['-o', 'link', 'show']);
    assert.doesNotMatch(links, /: (ovs-netdev|br-int)[:@]/, 'datapath tap devices removed');
    assert.deepEqual(listSystemDirs(), systemBefore, 'system OVS/OVN run dirs untouched');
  });
});

describe('docker engine (scripts/docker-up.sh)', () => {
  let engine: DockerEngine | undefined;

  before(async () => {
    const t0 = Date.now();
    engine = await ensureDocker();
    console.log(`# docker ready in ${Date.now() - t0} ms (started=${engine.started})`);
  });

  after(async () => {
    await engine?.stop();
  });

  it('runs a busybox:local container', async () => {
    assert.equal(await docker('run', '--rm', '--net=none', BUSYBOX_IMAGE, 'echo', 'hi'), 'hi\n');
  });
});
