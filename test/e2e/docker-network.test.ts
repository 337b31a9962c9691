/**
 * The driver as dockerd meets it: a legacy plugin socket, a real dockerd, real OVN + OVS (scripts/stack.sh).
 * Each test removes what it made and checks that nothing is left in NB, OVS or on the host.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { docker, ensureDocker, BUSYBOX_IMAGE, DockerEngine } from '../harness/docker';
import { DriverProcess } from '../harness/driver-process';
import { Stack } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';

const LABEL = 'docker-ovn-e2e=1';

describe('docker networks on OVN (e2e)', () => {
  let stack: Stack;
  let engine: DockerEngine;
  let driver: DriverProcess;

  const run = (net: string, ...extra: string[]) =>
    docker('run', '-d', '--label', LABEL, '--net', net, ...extra, BUSYBOX_IMAGE, 'sleep', '600').then((s) => s.trim());
  const ipOf = async (container: string, net: string) =>
    (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, container)).trim();
  const netCreate = (name: string, ...args: string[]) => docker('network', 'create', '-d', driver.name, '--label', LABEL, ...args, name);
  const switchesNamed = async (pattern: RegExp) => (await leftovers(stack)).switches.filter((s) => pattern.test(s));

  async function cleanup(): Promise<void> {
    const ids = (await docker('ps', '-aq', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
    if (ids.length) await docker('rm', '-f', ...ids);
    const nets = (await docker('network', 'ls', '-q', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
    if (nets.length) await docker('network', 'rm', ...nets);
  }

  before(async () => {
    stack = await Stack.up();
    engine = await ensureDocker();
    driver = await DriverProcess.start({ stack });
  });

  // A failed test must not make the next ones fail on its leftovers.
  afterEach(async () => {
    await cleanup().catch(() => undefined);
  });

  after(async () => {
    await cleanup().catch(() => undefined);
    await driver?.stop();
    await stack?.down();
    await engine?.stop();
  });

  it('docker network create reaches CreateNetwork and docker network rm reaches DeleteNetwork', async () => {
    await netCreate('e2e-loop', '--subnet', '10.10.10.0/23', '--gateway', '10.10.10.1');
    assert.deepEqual(await switchesNamed(/10\.10\.10\.0/), ['docker-default-10.10.10.0_23']);
    await docker('network', 'rm', 'e2e-loop');
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it("the seed's flow: two containers ping each other on the first try, and stop/rm/network rm leave nothing", async () => {
    await netCreate('public', '--subnet=10.10.10.0/23', '--gateway=10.10.10.1', '--ip-range', '10.10.10.32/27', '--opt', 'vrf=default');
    const a = await run('public');
    const b = await run('public');
    const [ipA, ipB] = [await ipOf(a, 'public'), await ipOf(b, 'public')];
    assert.match(ipA, /^10\.10\.10\.(3[2-9]|[45]\d|6[0-3])$/);
    const lsps = (await leftovers(stack)).ports;
    assert.equal(lsps.length, 2);
    for (const lsp of lsps) assert.match(await stack.vsctl('--bare', '--columns=external_ids', 'find', 'Interface', `external_ids:iface-id=${lsp}`), /ovn-installed="?true/);
    // No retries: Join answered only after ovn-controller installed the flows.
    await docker('exec', a, 'ping', '-c', '1', '-W', '2', ipB);
    await docker('exec', b, 'ping', '-c', '1', '-W', '2', ipA);
    await docker('stop', '-t', '1', a, b);
    assert.deepEqual((await leftovers(stack)).ports, []);
    await docker('rm', a, b);
    await docker('network', 'rm', 'public');
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  // Docker's default IPAM refuses a second pool that overlaps one on the same host, so "another host"
  // sharing the switch is played through the socket with the requests its dockerd would send
  // (../shared/fixtures): same vrf and subnet, its own NetworkID.
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
    assert.deepEqual(await driver.post('/NetworkDriver.CreateNetwork', blue2), { status: 200, body: {}, raw: '{}' });
    assert.equal((await driver.post('/NetworkDriver.CreateNetwork', red)).status, 200);
    assert.deepEqual((await switchesNamed(/10\.20\.0\.0/)).sort(), ['docker-blue-10.20.0.0_24', 'docker-red-10.20.0.0_24']);
    await docker('network', 'rm', 'blue1');
    assert.deepEqual(await switchesNamed(/blue/), ['docker-blue-10.20.0.0_24'], 'the switch stays while the other network uses it');
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: blue2.NetworkID })).status, 200);
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: red.NetworkID })).status, 200);
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('refuses an address already held by another endpoint on a shared switch', async () => {
    await netCreate('dup1', '--subnet', '10.30.0.0/24', '-o', 'vrf=dup');
    const a = await run('dup1', '--ip', '10.30.0.10');
    const holder = (await docker('inspect', '-f', '{{.NetworkSettings.Networks.dup1.EndpointID}}', a)).trim();
    const other = otherHostNetwork('dup', '10.30.0.0/24', '10.30.0.1/24');
    assert.equal((await driver.post('/NetworkDriver.CreateNetwork', other)).status, 200);
    const endpointId = randomBytes(32).toString('hex');
    const r = await driver.post('/NetworkDriver.CreateEndpoint', {
      NetworkID: other.NetworkID,
      EndpointID: endpointId,
      Interface: { Address: '10.30.0.10/24', AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
    assert.deepEqual(r.body, { Err: `CreateEndpoint: address 10.30.0.10 is already used by endpoint ${holder} on switch docker-dup-10.30.0.0_24` });
    assert.equal(r.status, 409);
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: other.NetworkID })).status, 200);
    await docker('rm', '-f', a);
    await docker('network', 'rm', 'dup1');
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('refuses an unknown option with the supported ones', async () => {
    await assert.rejects(netCreate('badopt', '--subnet', '10.31.0.0/24', '-o', 'colour=red'), /unknown option "colour"; supported options: vrf/);
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('a driver restarted between docker run and docker stop still stops and removes cleanly', async () => {
    await netCreate('restart', '--subnet', '10.40.0.0/24', '--gateway', '10.40.0.1');
    const a = await run('restart');
    const b = await run('restart');
    await driver.stop('SIGKILL');
    await driver.spawn();
    await docker('exec', a, 'ping', '-c', '1', '-W', '2', await ipOf(b, 'restart'));
    await docker('rm', '-f', a, b);
    await docker('network', 'rm', 'restart');
    assert.deepEqual(await leftovers(stack), NOTHING);
  });
});
