/**
 * Multi-host: two chassis on one machine, Geneve between them, one Docker network spanning both (issue 12).
 *
 * Topology (test/harness/multihost.ts): one OVN central; host A is the machine's own network namespace with
 * its chassis, the driver as a legacy plugin and the REAL dockerd; host B is a network namespace of its own
 * with its own OVS DB, ovs-vswitchd (netdev), ovn-controller and driver instance. A second dockerd in host B's
 * namespace is impractical (one /var/lib/docker, one containerd), so host B's driver is driven through its
 * socket with exactly the requests dockerd 20.10 sends (test/fixtures: IPAM RequestPool/RequestAddress,
 * CreateNetwork, CreateEndpoint, Join, ProgramExternalConnectivity, EndpointOperInfo, ..., Leave,
 * DeleteEndpoint, ReleaseAddress, ReleasePool, DeleteNetwork), and its "containers" are network namespaces
 * plumbed the way dockerd does it after Join (SocketDockerd). Host B's "dockerd" also answers the one Docker
 * API call the reconciler makes. Both drivers are the networks' IPAM driver too, and reconcile every second.
 * Host A is the machine's own namespace because dockerd moves Join's SrcName out of ITS namespace: the
 * driver of a dockerd-driven host must make its veths there.
 * Cross-host pings retry briefly: Join waits for the local ovn-controller only, and the other chassis may
 * still be learning the new port's binding from SB for the first packet.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, docker, DockerEngine, ensureDocker } from '../harness/docker';
import { allocatedInNb } from '../harness/ipam-nb';
import { Host, MultiHost } from '../harness/multihost';
import { repoRoot, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { LABEL } from './ovn-docker';

const VRF = 'mh';
const MTU = 1400; // Geneve over the 1500-byte link needs ~58 bytes: the container MTU leaves room for them
const id = () => randomBytes(32).toString('hex');
const short = (endpointId: string) => endpointId.slice(0, 12);

/** What dockerd 20.10 sent, as captured in test/fixtures/*.jsonl. */
function capturedRequests(): { path: string; request: unknown }[] {
  const dir = path.join(repoRoot(), 'test', 'fixtures');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== ''))
    .map((l) => JSON.parse(l) as { path: string; request: unknown });
}

async function retry<T>(f: () => Promise<T>, attempts = 10): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await f();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw last;
}

describe('multi-host: one network over two chassis (e2e)', () => {
  let engine: DockerEngine | undefined;
  let mh: MultiHost;
  let a: Host;
  let b: Host;
  const B = () => mh.dockerdB;

  // Host A, through the real dockerd.
  const netCreate = async (name: string, subnet: string) =>
    (
      await docker('network', 'create', '-d', a.driver.name, '--ipam-driver', a.driver.name, '--label', LABEL, '--subnet', subnet,
        '--ipam-opt', `vrf=${VRF}`, '-o', `vrf=${VRF}`, '-o', `mtu=${MTU}`, name)
    ).trim();
  const dockerRun = async (net: string) => (await docker('run', '-d', '--label', LABEL, '--net', net, BUSYBOX_IMAGE, 'sleep', '600')).trim();
  const inspect = async (container: string, net: string, field: string) =>
    (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").${field}}}`, container)).trim();
  const dockerPing = (container: string, ip: string, size?: number) =>
    retry(() => docker('exec', container, 'ping', '-c1', '-W2', ...(size ? ['-s', String(size)] : []), ip));
  const cleanupDocker = async () => {
    const ids = (await docker('ps', '-aq', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
    if (ids.length) await docker('rm', '-f', ...ids);
    const nets = (await docker('network', 'ls', '-q', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
    if (nets.length) await docker('network', 'rm', ...nets);
  };

  const lsps = async () => (await a.stack.nbctl('--bare', '--columns=name', 'list', 'Logical_Switch_Port')).split(/\s+/).filter(Boolean);
  const ovsPorts = async (h: Host) => (await h.stack.vsctl('list-ports', h.stack.bridge)).split(/\s+/).filter(Boolean);
  const links = async (h: Host) => (await h.stack.links()).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '');
  const poolAddresses = async (subnet: string) =>
    allocatedInNb(a.stack, `${VRF}|${subnet}`);
  const switchIds = async (name: string) => a.stack.nbctl('get', 'Logical_Switch', name, 'external_ids');
  const ourSwitches = async (pattern: RegExp) => (await leftovers(a.stack)).switches.filter((s) => pattern.test(s));

  before(async () => {
    engine = await ensureDocker();
    await cleanupDocker().catch(() => undefined);
    mh = await MultiHost.up({ driverEnv: { OVN_DRIVER_RECONCILE_INTERVAL_S: '1' } });
    [a, b] = mh.hosts as [Host, Host];
  });

  afterEach(async () => {
    await cleanupDocker().catch(() => undefined);
    await mh?.dockerdB.reset();
  });

  after(async () => {
    await cleanupDocker().catch(() => undefined);
    await mh?.down();
    await engine?.stop();
  });

  it('the same vrf and subnet on both hosts is one switch: endpoints on A and B ping each other over Geneve', async () => {
    const netA = await netCreate('mh-ping', '10.93.0.0/24');
    const netB = await B().createNetwork({ subnet: '10.93.0.0/24', vrf: VRF, mtu: MTU });
    assert.notEqual(netA, netB.id);
    assert.equal(netB.gateway, '10.93.0.1/24');
    assert.deepEqual(await ourSwitches(/10\.93\./), ['docker-mh-10.93.0.0_24']);
    const ids = await switchIds('docker-mh-10.93.0.0_24');
    assert.ok(ids.includes(`docker-ovn:network:${netA}`) && ids.includes(`docker-ovn:network:${netB.id}`), ids);
    assert.match(ids, /"docker-ovn:gateway"="10\.93\.0\.1\/24"/, 'one pool, one gateway');

    const ca = await dockerRun('mh-ping');
    const [ipA, epA] = [await inspect(ca, 'mh-ping', 'IPAddress'), await inspect(ca, 'mh-ping', 'EndpointID')];
    const sb = await B().run(netB);
    assert.notEqual(ipA, sb.ip);
    await dockerPing(ca, sb.ip);
    await B().ping(sb, ipA);

    // The ports are bound on different chassis, and the packets went through the tunnel on both hosts.
    assert.equal(await mh.boundChassis(epA), a.chassis);
    assert.equal(await mh.boundChassis(sb.endpointId), b.chassis);
    for (const h of mh.hosts) {
      const flows = await mh.datapathFlows(h);
      assert.match(flows, /tnl_push\(/, `host ${h.label} encapsulates`);
      assert.match(flows, /tnl_pop\(/, `host ${h.label} decapsulates`);
    }
    // A full-size packet at the network's MTU crosses, and the vrf gateway answers on both hosts.
    await dockerPing(ca, sb.ip, MTU - 28);
    await B().ping(sb, ipA, { size: MTU - 28 });
    await dockerPing(ca, '10.93.0.1');
    await B().ping(sb, '10.93.0.1');

    await docker('rm', '-f', ca);
    await B().stop(sb);
    await docker('network', 'rm', 'mh-ping');
    await B().removeNetwork(netB);
    assert.deepEqual(await leftovers(a.stack), NOTHING);
    assert.deepEqual(await leftovers(b.stack), NOTHING);

    // Host B's "dockerd" spoke as dockerd does: every verb it sent has the fields of one dockerd sent.
    const captured = capturedRequests();
    const fields = (body: unknown) => (body && typeof body === 'object' ? Object.keys(body).sort().join(',') : '');
    for (const [verb, body] of B().sent) {
      const seen = captured.filter((c) => c.path === verb).map((c) => fields(c.request));
      assert.ok(seen.includes(fields(body)), `${verb} {${fields(body)}}: dockerd sent {${seen.join('} or {')}}`);
    }
  });

  it("the driver's IPAM: one pool over both hosts, no --ip-range split, no address given twice", async () => {
    await netCreate('mh-ipam', '10.94.0.0/24');
    const netB = await B().createNetwork({ subnet: '10.94.0.0/24', vrf: VRF, mtu: MTU });
    // Per-host IPAM would give both first endpoints .2: the shared pool gives B the next one.
    const first = await dockerRun('mh-ipam');
    assert.equal(await inspect(first, 'mh-ipam', 'IPAddress'), '10.94.0.2');
    const firstB = await B().run(netB);
    assert.equal(firstB.ip, '10.94.0.3');

    // Both hosts at once: containers through dockerd on A, endpoints on B, and bare RequestAddress on both sockets.
    const requestAddress = async (h: Host) => {
      const r = await h.driver.post('/IpamDriver.RequestAddress', { PoolID: netB.poolId, Address: '', Options: {} });
      assert.equal(r.status, 200, r.raw);
      return ((r.body as { Address: string }).Address).split('/')[0]!;
    };
    const [containers, sandboxes, bareA, bareB] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, () => dockerRun('mh-ipam'))),
      Promise.all(Array.from({ length: 4 }, () => B().run(netB))),
      Promise.all(Array.from({ length: 12 }, () => requestAddress(a))),
      Promise.all(Array.from({ length: 12 }, () => requestAddress(b))),
    ]);
    const containerIps = await Promise.all(containers.map((c) => inspect(c, 'mh-ipam', 'IPAddress')));
    const all = ['10.94.0.2', '10.94.0.3', ...containerIps, ...sandboxes.map((s) => s.ip), ...bareA, ...bareB];
    assert.equal(new Set(all).size, all.length, `an address was handed out twice: ${all.join(' ')}`);
    assert.deepEqual(await poolAddresses('10.94.0.0/24'), ['10.94.0.1', ...all].sort(), 'NB holds exactly the gateway and what was handed out');
    await dockerPing(containers[0]!, sandboxes[0]!.ip);
    await B().ping(sandboxes[3]!, containerIps[3]!);

    for (const ip of bareA) assert.equal((await a.driver.post('/IpamDriver.ReleaseAddress', { PoolID: netB.poolId, Address: ip })).status, 200);
    for (const ip of bareB) assert.equal((await b.driver.post('/IpamDriver.ReleaseAddress', { PoolID: netB.poolId, Address: ip })).status, 200);
    for (const s of [firstB, ...sandboxes]) await B().stop(s);
    await docker('rm', '-f', first, ...containers);
    await docker('network', 'rm', 'mh-ipam');
    assert.deepEqual(await poolAddresses('10.94.0.0/24'), ['10.94.0.1'], "host B's network still holds the pool");
    await B().removeNetwork(netB);
    assert.deepEqual(await leftovers(a.stack), NOTHING);
    assert.deepEqual(await leftovers(b.stack), NOTHING);
  });

  it("each host's reconciler removes only its own chassis' leftovers", async () => {
    const netA = await netCreate('mh-rec', '10.92.0.0/24');
    const netB = await B().createNetwork({ subnet: '10.92.0.0/24', vrf: VRF, mtu: MTU });
    const [a1, a2] = [await dockerRun('mh-rec'), await dockerRun('mh-rec')];
    const [epA1, epA2] = [await inspect(a1, 'mh-rec', 'EndpointID'), await inspect(a2, 'mh-rec', 'EndpointID')];
    const ipA1 = await inspect(a1, 'mh-rec', 'IPAddress');
    const [b1, b2] = [await B().run(netB), await B().run(netB)];

    // On each host: a logical port its dockerd never heard of (CreateEndpoint straight to the socket, no Join) ...
    const orphanA = id();
    const orphanB = id();
    for (const [h, net, ep, ip] of [[a, netA, orphanA, '10.92.0.200/24'], [b, netB.id, orphanB, '10.92.0.201/24']] as const) {
      const r = await h.driver.post('/NetworkDriver.CreateEndpoint', { NetworkID: net, EndpointID: ep, Interface: { Address: ip, AddressIPv6: '', MacAddress: '' }, Options: {} });
      assert.equal(r.status, 200, r.raw);
    }
    // ... and an OVS port + veth whose logical port vanished from NB.
    await a.stack.nbctl('lsp-del', epA2);
    await a.stack.nbctl('lsp-del', b2.endpointId);
    // Neither dockerd knows the other host's endpoints (A's knows nothing of b1, B's nothing of a1):
    // only the chassis recorded on each logical port keeps a reconciler off the other host's.
    await waitFor(
      async () => {
        const [l, pa, pb, la, lb] = [await lsps(), await ovsPorts(a), await ovsPorts(b), await links(a), await links(b)];
        return !l.includes(orphanA) && !l.includes(orphanB) && !pa.includes(`ovn${short(epA2)}`) && !la.includes(`ovn${short(epA2)}`) &&
          !pb.includes(`ovn${short(b2.endpointId)}`) && !lb.includes(`ovn${short(b2.endpointId)}`);
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'both reconcilers to remove their leftovers' },
    );
    const l = await lsps();
    assert.ok(l.includes(epA1) && l.includes(b1.endpointId), 'the live endpoints keep their logical ports');
    assert.ok((await ovsPorts(a)).includes(`ovn${short(epA1)}`) && (await ovsPorts(b)).includes(`ovn${short(b1.endpointId)}`));
    await dockerPing(a1, b1.ip);
    await B().ping(b1, ipA1);

    // Who removed what: each driver's log names only its own host's leftovers.
    const removedBy = (h: Host) =>
      h.driver.logs
        .split('\n')
        .filter((line) => line.includes('reconciler removed'))
        .flatMap((line) => line.match(/\b([0-9a-f]{64}|ovn[0-9a-f]{12})\b/g) ?? []);
    assert.ok(removedBy(a).includes(orphanA) && removedBy(a).includes(epA2), `host A removed: ${removedBy(a).join(' ')}`);
    assert.ok(removedBy(b).includes(orphanB) && removedBy(b).includes(b2.endpointId), `host B removed: ${removedBy(b).join(' ')}`);
    for (const x of removedBy(a)) assert.ok(![orphanB, b1.endpointId, b2.endpointId].includes(x), `host A removed host B's ${x}`);
    for (const x of removedBy(b)) assert.ok(![orphanA, epA1, epA2].includes(x), `host B removed host A's ${x}`);

    await docker('rm', '-f', a1, a2);
    await B().stop(b1);
    await B().stop(b2);
    await docker('network', 'rm', 'mh-rec');
    await B().removeNetwork(netB);
    assert.deepEqual(await leftovers(a.stack), NOTHING);
    assert.deepEqual(await leftovers(b.stack), NOTHING);
  });

  it("deleting the network on one host leaves the other host's endpoints working", async () => {
    const netA = await netCreate('mh-del', '10.91.0.0/24');
    const netB = await B().createNetwork({ subnet: '10.91.0.0/24', vrf: VRF, mtu: MTU });
    const ca = await dockerRun('mh-del');
    const [b1, b2] = [await B().run(netB), await B().run(netB)];
    await dockerPing(ca, b1.ip);

    await docker('rm', '-f', ca);
    await docker('network', 'rm', 'mh-del');
    const ids = await switchIds('docker-mh-10.91.0.0_24');
    assert.ok(!ids.includes(netA) && ids.includes(`docker-ovn:network:${netB.id}`), `the switch stays for host B's network: ${ids}`);
    assert.deepEqual(await poolAddresses('10.91.0.0/24'), ['10.91.0.1', b1.ip, b2.ip].sort(), 'the pool stays with what B holds');
    await B().ping(b1, b2.ip);
    await B().ping(b2, b1.ip);
    await B().ping(b1, '10.91.0.1');

    // Host A makes the network again: its new container joins the same segment.
    await netCreate('mh-del', '10.91.0.0/24');
    assert.deepEqual(await ourSwitches(/10\.91\./), ['docker-mh-10.91.0.0_24']);
    const again = await dockerRun('mh-del');
    const ipAgain = await inspect(again, 'mh-del', 'IPAddress');
    assert.ok(![b1.ip, b2.ip].includes(ipAgain));
    await dockerPing(again, b2.ip);

    await docker('rm', '-f', again);
    await docker('network', 'rm', 'mh-del');
    await B().stop(b1);
    await B().stop(b2);
    await B().removeNetwork(netB);
    assert.deepEqual(await leftovers(a.stack), NOTHING);
    assert.deepEqual(await leftovers(b.stack), NOTHING);
  });

  it('tears down to nothing: no NB rows, no chassis in SB, no daemon, namespace or device', async () => {
    await cleanupDocker();
    await mh.dockerdB.reset();
    assert.deepEqual(await leftovers(a.stack), NOTHING);
    assert.deepEqual(await leftovers(b.stack), NOTHING);
    assert.deepEqual(await mh.chassisInSb(), [a.chassis, b.chassis].sort());
    const { chassisLeft } = await mh.down();
    assert.deepEqual(chassisLeft, [], 'both chassis removed from SB');
    assert.deepEqual([...a.stack.alivePids(), ...b.stack.alivePids()], []);
    assert.deepEqual(await mh.remains(), []);
  });
});
