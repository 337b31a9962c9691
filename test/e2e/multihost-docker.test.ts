/**
 * Two Docker hosts on one OVN (test/harness/multihost.ts): each its own network namespace, chassis, dockerd and
 * driver, set up by the README's "Multi-host" blocks, driven by the docker CLI only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { hostVrf } from '../../src/domain/network-spec';
import { BUSYBOX_IMAGE } from '../harness/docker';
import { allocatedInNb } from '../harness/ipam-nb';
import { DockerHost, runDocBlock, TwoHosts } from '../harness/multihost';
import { waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';

const VRF = 'mh';
/** Geneve over IPv4 takes 58 bytes of the underlay's 1500 (README "Multi-host"). */
const MTU = 1442;
const ICMP_PAYLOAD = MTU - 28;

/** `docker network create` as the README's block does it, on one host. */
const netCreate = (h: DockerHost, net: string, subnet: string) =>
  runDocBlock('multihost-network', undefined, { DOCKER_HOST: h.engine.host, NET: net, SUBNET: subnet, VRF });
const dockerRun = async (h: DockerHost, net: string, ...extra: string[]) =>
  (await h.docker('run', '-d', '--net', net, ...extra, BUSYBOX_IMAGE, 'sleep', '600')).trim();
const field = async (h: DockerHost, container: string, net: string, name: string) =>
  (await h.docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").${name}}}`, container)).trim();
/** One ping, no retry: the first packet must get through. */
const ping = (h: DockerHost, container: string, ip: string, size?: number, waitS = 5) =>
  h.docker('exec', container, 'ping', '-c1', `-W${waitS}`, ...(size ? ['-s', String(size)] : []), ip);
/** The addresses of `ips` that do not answer from `container` (each tried twice). */
const unreachable = async (h: DockerHost, container: string, ips: string[]) =>
  (
    await h.docker(
      'exec',
      container,
      'sh',
      '-c',
      'for ip in "$@"; do ping -c1 -W2 $ip >/dev/null || ping -c1 -W2 $ip >/dev/null || echo $ip; done',
      'sh',
      ...ips,
    )
  )
    .split('\n')
    .filter(Boolean);

/** Runs `f` over `items`, `width` at a time. */
async function pool<T, R>(items: T[], width: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

describe('two Docker hosts on one OVN (e2e)', () => {
  let mh: TwoHosts;
  let a: DockerHost;
  let b: DockerHost;

  const lsps = async () => (await leftovers(mh.central)).ports.filter((p) => /^[0-9a-f]{64}$/.test(p));
  const switchIds = (name: string) => mh.central.nbctl('get', 'Logical_Switch', name, 'external_ids');
  const ourSwitches = async (pattern: RegExp) => (await leftovers(mh.central)).switches.filter((s) => pattern.test(s));
  const poolAddresses = (subnet: string) => allocatedInNb(mh.central, `${VRF}|${subnet}`);
  const lspUuid = async (endpointId: string) =>
    (await mh.central.nbctl('--bare', '--columns=_uuid', 'find', 'Logical_Switch_Port', `name=${endpointId}`)).trim();
  const nothingLeft = async () => {
    for (const h of mh.hosts) assert.deepEqual(await leftovers(h.stack), NOTHING, `left on host ${h.label}`);
  };

  before(async () => {
    mh = await TwoHosts.up({ driverEnv: { OVN_DRIVER_RECONCILE_INTERVAL_S: '1' } });
    [a, b] = mh.hosts as [DockerHost, DockerHost];
  });

  afterEach(async () => {
    for (const h of mh?.hosts ?? []) await h.engine.clean().catch(() => undefined);
  });

  after(async () => {
    await mh?.down();
  });

  it('one network on both engines is one switch: containers ping each other over Geneve, first packet and MTU-sized; the MTU fits the tunnel unless forced to 1500', async () => {
    await netCreate(a, 'mh-ping', '10.93.0.0/24');
    await netCreate(b, 'mh-ping', '10.93.0.0/24');
    const [idA, idB] = [
      (await a.docker('network', 'inspect', '-f', '{{.Id}}', 'mh-ping')).trim(),
      (await b.docker('network', 'inspect', '-f', '{{.Id}}', 'mh-ping')).trim(),
    ];
    assert.notEqual(idA, idB);
    assert.deepEqual(await ourSwitches(/10\.93\./), ['docker-mh-10.93.0.0_24']);
    const ids = await switchIds('docker-mh-10.93.0.0_24');
    assert.ok(ids.includes(`docker-ovn:network:${idA}`) && ids.includes(`docker-ovn:network:${idB}`), ids);

    const ca = await dockerRun(a, 'mh-ping');
    const cb = await dockerRun(b, 'mh-ping');
    const [ipA, ipB] = [await field(a, ca, 'mh-ping', 'IPAddress'), await field(b, cb, 'mh-ping', 'IPAddress')];
    assert.deepEqual([ipA, ipB], ['10.93.0.2', '10.93.0.3'], 'one pool over both hosts');
    // The container started last pings the other host at once, and is answered.
    await ping(b, cb, ipA);
    await ping(a, ca, ipB);

    const [epA, epB] = [await field(a, ca, 'mh-ping', 'EndpointID'), await field(b, cb, 'mh-ping', 'EndpointID')];
    assert.equal(await mh.boundChassis(epA), a.chassis);
    assert.equal(await mh.boundChassis(epB), b.chassis);
    for (const h of mh.hosts) {
      const flows = await mh.datapathFlows(h);
      assert.match(flows, /tnl_push\(/, `host ${h.label} encapsulates`);
      assert.match(flows, /tnl_pop\(/, `host ${h.label} decapsulates`);
    }
    // The container's MTU leaves room for Geneve on the 1500-byte underlay: full-size packets cross unfragmented.
    for (const [h, c] of [
      [a, ca],
      [b, cb],
    ] as const)
      assert.equal((await h.docker('exec', c, 'cat', '/sys/class/net/eth0/mtu')).trim(), String(MTU));
    await ping(a, ca, ipB, ICMP_PAYLOAD);
    await ping(b, cb, ipA, ICMP_PAYLOAD);
    await ping(a, ca, '10.93.0.1');
    await ping(b, cb, '10.93.0.1');

    // Without -o mtu a container gets what Geneve leaves of the hosts' 1500-byte link (the driver reads it
    // off the link holding ovn-encap-ip): a full-size TCP transfer crosses. Forcing -o mtu=1500 shows why:
    // a 1500-byte packet does not fit the tunnel and is dropped.
    const netOn = (h: DockerHost, name: string, ...opts: string[]) =>
      h.docker('network', 'create', '-d', 'ovn', '--ipam-driver', 'ovn', '--ipam-opt', `vrf=${VRF}`, '-o', `vrf=${VRF}`, ...opts, name);
    for (const h of mh.hosts) await netOn(h, 'mh-auto', '--subnet', '10.95.0.0/24');
    // Host b says it the way compose files written for Docker's bridge and overlay drivers do.
    await netOn(a, 'mh-1500', '--subnet', '10.95.1.0/24', '-o', 'mtu=1500');
    await netOn(b, 'mh-1500', '--subnet', '10.95.1.0/24', '-o', 'com.docker.network.driver.mtu=1500');
    const server = (
      await a.docker('run', '-d', '--net', 'mh-auto', BUSYBOX_IMAGE, 'sh', '-c', 'nc -ll -p 8080 -e head -c 300000 /dev/zero & wait')
    ).trim();
    const client = await dockerRun(b, 'mh-auto');
    for (const [h, c] of [
      [a, server],
      [b, client],
    ] as const)
      assert.equal((await h.docker('exec', c, 'cat', '/sys/class/net/eth0/mtu')).trim(), String(MTU), 'the MTU the tunnel leaves');
    const serverIp = await field(a, server, 'mh-auto', 'IPAddress');
    const received = await waitFor(
      async () => (await b.docker('exec', client, 'sh', '-c', `nc -w 5 ${serverIp} 8080 | wc -c`).catch(() => '')).trim() || undefined,
      { timeoutMs: 20_000, intervalMs: 500, what: 'a TCP transfer between the hosts' },
    );
    assert.equal(received, '300000', 'all of it, in full-size segments');
    const [xa, xb] = [await dockerRun(a, 'mh-1500'), await dockerRun(b, 'mh-1500')];
    for (const [h, c] of [
      [a, xa],
      [b, xb],
    ] as const)
      assert.equal((await h.docker('exec', c, 'cat', '/sys/class/net/eth0/mtu')).trim(), '1500', 'the MTU asked for, by either key');
    const ipXb = await field(b, xb, 'mh-1500', 'IPAddress');
    await ping(a, xa, ipXb);
    await assert.rejects(ping(a, xa, ipXb, 1500 - 28, 1), /100% packet loss/);

    await a.docker('rm', '-f', ca, xa, server);
    await b.docker('rm', '-f', cb, xb, client);
    for (const h of mh.hosts) await h.docker('network', 'rm', 'mh-ping', 'mh-auto', 'mh-1500');
    await nothingLeft();
  });

  it('2 × 50 containers started at once on both hosts: all addresses distinct, all reachable from either host', async (t) => {
    const t0 = Date.now();
    const subnet = '10.94.0.0/24';
    await netCreate(a, 'mh-many', subnet);
    await netCreate(b, 'mh-many', subnet);
    const start = (h: DockerHost) =>
      pool(
        Array.from({ length: 50 }, (_, i) => i),
        8,
        () => dockerRun(h, 'mh-many'),
      );
    const [onA, onB] = await Promise.all([start(a), start(b)]);
    t.diagnostic(`100 containers started in ${Date.now() - t0} ms`);
    const ips = async (h: DockerHost, ids: string[]) =>
      (await h.docker('inspect', '-f', '{{(index .NetworkSettings.Networks "mh-many").IPAddress}}', ...ids)).split('\n').filter(Boolean);
    const [ipsA, ipsB] = [await ips(a, onA), await ips(b, onB)];
    const all = [...ipsA, ...ipsB];
    assert.equal(all.length, 100);
    assert.equal(new Set(all).size, 100, `an address was handed out twice: ${all.join(' ')}`);
    assert.deepEqual(await poolAddresses(subnet), ['10.94.0.1', ...all].sort(), 'NB holds exactly the gateway and the containers');
    assert.deepEqual(await unreachable(a, onA[0]!, [...ipsA.slice(1), ...ipsB]), [], 'unreachable from host A');
    assert.deepEqual(await unreachable(b, onB[0]!, [...ipsA, ...ipsB.slice(1)]), [], 'unreachable from host B');
    t.diagnostic(`checked in ${Date.now() - t0} ms`);

    await Promise.all(mh.hosts.map((h) => h.engine.clean()));
    t.diagnostic(`removed in ${Date.now() - t0} ms`);
    assert.deepEqual(await ourSwitches(/10\.94\./), []);
    await nothingLeft();
  });

  it("host B's driver and dockerd restart, and B's dockerd is killed: A is untouched, B comes back, each reconciler removes only its own host's leftovers", async () => {
    await netCreate(a, 'mh-rec', '10.92.0.0/24');
    await netCreate(b, 'mh-rec', '10.92.0.0/24');
    const onA = [await dockerRun(a, 'mh-rec'), await dockerRun(a, 'mh-rec')];
    // sleep as pid 1 ignores SIGTERM: a short stop timeout keeps dockerd's shutdown short.
    const restarting = ['--restart', 'always', '--stop-timeout', '1'];
    const onB = [await dockerRun(b, 'mh-rec', ...restarting), await dockerRun(b, 'mh-rec', ...restarting)];
    const aState = async () =>
      Promise.all(
        onA.map(
          async (c) =>
            `${await field(a, c, 'mh-rec', 'EndpointID')} ${(await a.docker('inspect', '-f', '{{.State.StartedAt}}', c)).trim()}`,
        ),
      );
    const before = await aState();
    const endpointsA = before.map((s) => s.split(' ')[0]!);
    const ipA = await field(a, onA[0]!, 'mh-rec', 'IPAddress');

    // A logical port on each host that its dockerd never heard of: CreateEndpoint straight to the driver's socket.
    const netIds = {
      A: (await a.docker('network', 'inspect', '-f', '{{.Id}}', 'mh-rec')).trim(),
      B: (await b.docker('network', 'inspect', '-f', '{{.Id}}', 'mh-rec')).trim(),
    };
    const orphans = { A: randomBytes(32).toString('hex'), B: randomBytes(32).toString('hex') };
    for (const [h, ip] of [
      [a, '10.92.0.200/24'],
      [b, '10.92.0.201/24'],
    ] as const) {
      const r = await h.engine.driver.post('/NetworkDriver.CreateEndpoint', {
        NetworkID: netIds[h.label],
        EndpointID: orphans[h.label],
        Interface: { Address: ip, AddressIPv6: '', MacAddress: '' },
        Options: {},
      });
      assert.equal(r.status, 200, r.raw);
    }

    await b.engine.restartDriver();
    await b.engine.restartDockerd();
    await b.engine.restartDockerd({ kill: true });

    // B's containers run again (dockerd restarts them: --restart always), with endpoints the driver made anew.
    const endpointsB = await waitFor(
      async () => {
        const states = await Promise.all(onB.map(async (c) => (await b.docker('inspect', '-f', '{{.State.Running}}', c)).trim()));
        if (states.some((s) => s !== 'true')) return undefined;
        return Promise.all(onB.map((c) => field(b, c, 'mh-rec', 'EndpointID')));
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "host B's containers running again" },
    );
    for (const c of onB) await ping(b, c, ipA);
    const ipB = await field(b, onB[1]!, 'mh-rec', 'IPAddress');
    await ping(a, onA[0]!, ipB);

    // Both orphans go, each removed by its own host's reconciler; NB ends up with exactly the live endpoints.
    const live = [...endpointsA, ...endpointsB].sort();
    let inNb: string[] = [];
    await waitFor(async () => JSON.stringify((inNb = (await lsps()).sort())) === JSON.stringify(live), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: 'NB to hold exactly the live endpoints of both hosts',
    }).catch((err: Error) => {
      throw new Error(`${err.message}: live ${live.join(' ')}; in NB ${inNb.join(' ')}`);
    });
    const removedBy = (h: DockerHost) =>
      h.engine.driver.logs
        .split('\n')
        .filter((line) => line.includes('reconciler removed'))
        .flatMap((line) => line.match(/\b[0-9a-f]{64}\b/g) ?? []);
    assert.ok(removedBy(a).includes(orphans.A), `host A removed: ${removedBy(a).join(' ')}`);
    assert.ok(
      !removedBy(b).includes(orphans.A) && !endpointsA.some((e) => removedBy(b).includes(e)),
      `host B removed host A's: ${removedBy(b).join(' ')}`,
    );
    assert.ok(
      !removedBy(a).includes(orphans.B) && !endpointsB.some((e) => removedBy(a).includes(e)),
      `host A removed host B's: ${removedBy(a).join(' ')}`,
    );
    assert.ok(!(await lsps()).includes(orphans.B));
    // Host A's containers were never restarted and kept their endpoints.
    assert.deepEqual(await aState(), before);
    await ping(a, onA[1]!, ipA);

    await Promise.all(mh.hosts.map((h) => h.engine.clean()));
    await nothingLeft();
  });

  it('docker network rm on one host keeps the switch for the other; the last one removes it', async () => {
    await netCreate(a, 'mh-del', '10.91.0.0/24');
    await netCreate(b, 'mh-del', '10.91.0.0/24');
    const ca = await dockerRun(a, 'mh-del');
    const [b1, b2] = [await dockerRun(b, 'mh-del'), await dockerRun(b, 'mh-del')];
    const [ip1, ip2] = [await field(b, b1, 'mh-del', 'IPAddress'), await field(b, b2, 'mh-del', 'IPAddress')];
    await ping(a, ca, ip1);

    await a.docker('rm', '-f', ca);
    await a.docker('network', 'rm', 'mh-del');
    assert.deepEqual(await ourSwitches(/10\.91\./), ['docker-mh-10.91.0.0_24'], 'the switch stays for host B');
    assert.deepEqual(await poolAddresses('10.91.0.0/24'), ['10.91.0.1', ip1, ip2].sort(), 'the pool stays with what B holds');
    await ping(b, b1, ip2);
    await ping(b, b2, '10.91.0.1');

    // Host A makes the network again: its new container joins the same segment.
    await netCreate(a, 'mh-del', '10.91.0.0/24');
    assert.deepEqual(await ourSwitches(/10\.91\./), ['docker-mh-10.91.0.0_24']);
    const again = await dockerRun(a, 'mh-del');
    assert.ok(![ip1, ip2].includes(await field(a, again, 'mh-del', 'IPAddress')));
    await ping(a, again, ip2);

    await a.docker('rm', '-f', again);
    await a.docker('network', 'rm', 'mh-del');
    await b.docker('rm', '-f', b1, b2);
    assert.deepEqual(await ourSwitches(/10\.91\./), ['docker-mh-10.91.0.0_24'], 'host B still has the network');
    await b.docker('network', 'rm', 'mh-del');
    assert.deepEqual(await ourSwitches(/10\.91\./), []);
    await nothingLeft();
  });

  it("networks with Docker's IPAM and no -o vrf stay on their host, as compose makes them; a shared vrf refuses Docker's per-host pools", async () => {
    // Two compose projects on two hosts, no subnet in the files: every host's Docker IPAM picks the same
    // default subnet and hands out the same first addresses.
    const subnet = '10.96.0.0/24';
    for (const h of mh.hosts) await h.docker('network', 'create', '-d', 'ovn', '--subnet', subnet, 'mh-local');
    const own = mh.hosts.map((h) => `docker-${hostVrf(h.chassis)}-10.96.0.0_24`).sort();
    assert.deepEqual((await ourSwitches(/10\.96\.0\./)).sort(), own, 'one switch per host');
    const [a1, a2, b1] = [await dockerRun(a, 'mh-local'), await dockerRun(a, 'mh-local'), await dockerRun(b, 'mh-local')];
    const [ipA1, ipB1] = [await field(a, a1, 'mh-local', 'IPAddress'), await field(b, b1, 'mh-local', 'IPAddress')];
    assert.deepEqual([ipA1, ipB1], ['10.96.0.2', '10.96.0.2'], "each host's Docker IPAM starts over");
    // Each reaches its own host's containers and gateway; A's second container finds A's .2, not B's.
    await ping(a, a2, ipA1);
    await ping(b, b1, '10.96.0.1');
    const epA1 = await field(a, a1, 'mh-local', 'EndpointID');
    const epB1 = await field(b, b1, 'mh-local', 'EndpointID');
    assert.equal(await mh.boundChassis(epA1), a.chassis);
    assert.equal(await mh.boundChassis(epB1), b.chassis);
    assert.notEqual(
      (await mh.central.nbctl('--bare', '--columns=_uuid', 'find', 'Logical_Switch', `ports{>=}${await lspUuid(epA1)}`)).trim(),
      (await mh.central.nbctl('--bare', '--columns=_uuid', 'find', 'Logical_Switch', `ports{>=}${await lspUuid(epB1)}`)).trim(),
      'the two .2 are on two switches',
    );

    // Naming a vrf asks to share the subnet between hosts: with Docker's IPAM that would collide, so B is told.
    await a.docker('network', 'create', '-d', 'ovn', '--subnet', '10.96.1.0/24', '-o', 'vrf=mh-docker', 'mh-named');
    await assert.rejects(
      b.docker('network', 'create', '-d', 'ovn', '--subnet', '10.96.1.0/24', '-o', 'vrf=mh-docker', 'mh-named'),
      new RegExp(
        `subnet 10\\.96\\.1\\.0/24 of vrf mh-docker is network [0-9a-f]{12} of chassis ${a.chassis} already, and this network takes its addresses from Docker's IPAM.*--ipam-driver ovn`,
      ),
    );
    await a.docker('rm', '-f', a1, a2);
    await b.docker('rm', '-f', b1);
    await a.docker('network', 'rm', 'mh-local', 'mh-named');
    await b.docker('network', 'rm', 'mh-local');
    await nothingLeft();
  });

  it('enforces ingress policy the same on both chassis: the exposed port answers across the tunnel, the rest is dropped', async () => {
    for (const h of mh.hosts) {
      await h.docker(
        'network',
        'create',
        '-d',
        'ovn',
        '--ipam-driver',
        'ovn',
        '--subnet',
        '10.94.9.0/24',
        '--ipam-opt',
        `vrf=${VRF}`,
        '-o',
        `vrf=${VRF}`,
        '-o',
        `mtu=${MTU}`,
        '-o',
        'ingress=exposed',
        'mh-pol',
      );
    }
    // TCP over the userspace datapath with no help inside the containers: the driver has each veth fill
    // its own checksums.
    const start = async (h: DockerHost, ...args: string[]) => (await h.docker('run', '-d', '--net', 'mh-pol', ...args)).trim();
    const server = await start(
      a,
      '--expose',
      '8080',
      BUSYBOX_IMAGE,
      'sh',
      '-c',
      'nc -ll -p 8080 -e echo open & nc -ll -p 9090 -e echo secret & wait',
    );
    const client = await start(b, BUSYBOX_IMAGE, 'sh', '-c', 'nc -ll -p 7070 -e echo client & wait');
    const ip = await field(a, server, 'mh-pol', 'IPAddress');
    const fetch = async (port: number) => (await b.docker('exec', client, 'nc', '-w', '2', ip, String(port))).trim();
    await waitFor(async () => (await fetch(8080).catch(() => '')) === 'open', {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: 'the exposed port from host B',
    });
    await assert.rejects(fetch(9090), 'the unexposed port is dropped on host A');
    await ping(b, client, ip);
    // Nothing new reaches the client on host B either: it listens on 7070 but exposes nothing.
    const clientIp = await field(b, client, 'mh-pol', 'IPAddress');
    assert.equal((await b.docker('exec', client, 'nc', '-w', '2', '127.0.0.1', '7070')).trim(), 'client', 'the client listens');
    await assert.rejects(a.docker('exec', server, 'nc', '-w', '2', clientIp, '7070'));
    await a.docker('rm', '-f', server);
    await b.docker('rm', '-f', client);
    for (const h of mh.hosts) await h.docker('network', 'rm', 'mh-pol');
    await nothingLeft();
  });

  it('tears down to nothing: no NB rows, no chassis in SB, no daemon, engine, namespace or device', async () => {
    await nothingLeft();
    assert.deepEqual(await mh.chassisInSb(), [a.chassis, b.chassis].sort());
    const { chassisLeft } = await mh.down();
    assert.deepEqual(chassisLeft, [], 'both chassis removed from SB');
    assert.deepEqual([...a.stack.alivePids(), ...b.stack.alivePids(), ...a.engine.alivePids(), ...b.engine.alivePids()], []);
    assert.deepEqual(await mh.remains(), []);
  });
});
