/**
 * The driver as dockerd meets it: a legacy plugin socket, a real dockerd, real OVN + OVS (scripts/stack.sh).
 * Each test removes what it made and checks that nothing is left in NB, OVS or on the host.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { hostVrf } from '../../src/domain/network-spec';
import { docker } from '../harness/docker';
import { waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDocker } from './ovn-docker';

describe('docker networks on OVN (e2e)', () => {
  const t = useOvnDocker();
  const { run, netCreate, ipOf } = t;
  const endpointPorts = async () => (await leftovers(t.stack)).ports.filter((p) => /^[0-9a-f]{64}$/.test(p));
  const switchesNamed = async (pattern: RegExp) => (await leftovers(t.stack)).switches.filter((s) => pattern.test(s));

  it('docker network create reaches CreateNetwork and docker network rm reaches DeleteNetwork', async () => {
    await netCreate('e2e-loop', '--subnet', '10.10.10.0/23', '--gateway', '10.10.10.1');
    // No -o vrf and Docker's IPAM: the network is this host's own (another host's 10.10.10.0/23 is not it).
    assert.deepEqual(await switchesNamed(/10\.10\.10\.0/), [`docker-${hostVrf(t.stack.chassis)}-10.10.10.0_23`]);
    await docker('network', 'rm', 'e2e-loop');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it("the seed's flow: two containers ping each other on the first try, and stop/rm/network rm leave nothing", async () => {
    await netCreate('public', '--subnet=10.10.10.0/23', '--gateway=10.10.10.1', '--ip-range', '10.10.10.32/27', '--opt', 'vrf=default');
    const a = await run('public');
    const b = await run('public');
    const [ipA, ipB] = [await ipOf(a, 'public'), await ipOf(b, 'public')];
    assert.match(ipA, /^10\.10\.10\.(3[2-9]|[45]\d|6[0-3])$/);
    const lsps = await endpointPorts();
    assert.equal(lsps.length, 2);
    for (const lsp of lsps)
      assert.match(
        await t.stack.vsctl('--bare', '--columns=external_ids', 'find', 'Interface', `external_ids:iface-id=${lsp}`),
        /ovn-installed="?true/,
      );
    // No retries: Join answered only after ovn-controller installed the flows.
    await docker('exec', a, 'ping', '-c', '1', '-W', '2', ipB);
    await docker('exec', b, 'ping', '-c', '1', '-W', '2', ipA);
    await docker('stop', '-t', '1', a, b);
    assert.deepEqual(await endpointPorts(), []);
    await docker('rm', a, b);
    await docker('network', 'rm', 'public');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('two containers talk TCP on the userspace datapath with no help inside them (a web → db app)', async () => {
    // The stack's OVS is the one `make run` brings up: the userspace datapath, where a veth's unfilled
    // checksums would reach the other container as they are. The driver turns the veth's offload off.
    assert.equal((await t.stack.vsctl('get', 'Bridge', t.stack.bridge, 'datapath_type')).trim(), 'netdev');
    await netCreate('e2e-tcp', '--subnet', '10.10.30.0/24', '--gateway', '10.10.30.1');
    const db = await run('e2e-tcp', [], ['sh', '-c', 'nc -ll -p 5432 -e echo db-ok & nc -ll -p 5433 -e head -c 1000000 /dev/zero & wait']);
    const web = await run('e2e-tcp');
    const ip = await ipOf(db, 'e2e-tcp');
    const fetch = (port: number, pipe = '') => docker('exec', web, 'sh', '-c', `nc -w 3 ${ip} ${port}${pipe}`).then((out) => out.trim());
    // The listeners start a moment after `docker run` returns.
    await waitFor(async () => (await fetch(5432).catch(() => '')) === 'db-ok', {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: 'web → db over TCP',
    });
    // Many full-sized segments: every one must arrive whole, not just the first.
    assert.equal(await fetch(5433, ' | wc -c'), '1000000');
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  // Docker's default IPAM refuses a second pool that overlaps one on the same host, so "another host"
  // sharing the switch is played through the socket with the requests its dockerd would send
  // (test/fixtures): same vrf and subnet, its own NetworkID.
  const otherHostNetwork = (vrf: string, pool: string, gateway: string) => ({
    NetworkID: randomBytes(32).toString('hex'),
    Options: { 'com.docker.network.enable_ipv6': false, 'com.docker.network.generic': { vrf } },
    IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: pool, Gateway: gateway }],
    IPv6Data: [],
  });

  it('networks with the same vrf and subnet share one switch; the same subnet in two vrfs gives two', async () => {
    await netCreate('blue1', '--subnet', '10.20.0.0/24', '-o', 'vrf=blue');
    const blue2 = otherHostNetwork('blue', '10.20.0.0/24', '10.20.0.1/24');
    const red = otherHostNetwork('red', '10.20.0.0/24', '10.20.0.1/24');
    assert.deepEqual(await t.driver.post('/NetworkDriver.CreateNetwork', blue2), { status: 200, body: {}, raw: '{}' });
    assert.equal((await t.driver.post('/NetworkDriver.CreateNetwork', red)).status, 200);
    assert.deepEqual((await switchesNamed(/10\.20\.0\.0/)).sort(), ['docker-blue-10.20.0.0_24', 'docker-red-10.20.0.0_24']);
    await docker('network', 'rm', 'blue1');
    assert.deepEqual(await switchesNamed(/blue/), ['docker-blue-10.20.0.0_24'], 'the switch stays while the other network uses it');
    assert.equal((await t.driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: blue2.NetworkID })).status, 200);
    assert.equal((await t.driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: red.NetworkID })).status, 200);
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('refuses an address already held by another endpoint on a shared switch', async () => {
    await netCreate('dup1', '--subnet', '10.30.0.0/24', '-o', 'vrf=dup');
    const a = await run('dup1', ['--ip', '10.30.0.10']);
    const holder = (await docker('inspect', '-f', '{{.NetworkSettings.Networks.dup1.EndpointID}}', a)).trim();
    const other = otherHostNetwork('dup', '10.30.0.0/24', '10.30.0.1/24');
    assert.equal((await t.driver.post('/NetworkDriver.CreateNetwork', other)).status, 200);
    const endpointId = randomBytes(32).toString('hex');
    const r = await t.driver.post('/NetworkDriver.CreateEndpoint', {
      NetworkID: other.NetworkID,
      EndpointID: endpointId,
      Interface: { Address: '10.30.0.10/24', AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
    assert.deepEqual(r.body, {
      Err: `CreateEndpoint: address 10.30.0.10 is already used by endpoint ${holder} on switch docker-dup-10.30.0.0_24`,
    });
    assert.equal(r.status, 409);
    assert.equal((await t.driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: other.NetworkID })).status, 200);
    await docker('rm', '-f', a);
    await docker('network', 'rm', 'dup1');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('refuses an unknown option with the supported ones', async () => {
    await assert.rejects(
      netCreate('badopt', '--subnet', '10.31.0.0/24', '-o', 'colour=red'),
      /unknown option "colour"; supported options: vrf/,
    );
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('a driver restarted between docker run and docker stop still stops and removes cleanly', async () => {
    await netCreate('restart', '--subnet', '10.40.0.0/24', '--gateway', '10.40.0.1');
    const a = await run('restart');
    const b = await run('restart');
    await t.driver.stop('SIGKILL');
    await t.driver.spawn();
    await docker('exec', a, 'ping', '-c', '1', '-W', '2', await ipOf(b, 'restart'));
    await docker('rm', '-f', a, b);
    await docker('network', 'rm', 'restart');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
