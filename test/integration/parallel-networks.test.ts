/**
 * Networks of one vrf created and removed at once, as `docker compose up` and `down` do with a project's
 * networks: the vrf's router comes with the first and goes with the last, whatever the order the NB
 * transactions land in; with the driver as IPAM driver too. The driver process on a real stack, spoken to
 * over its socket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DriverProcess } from '../harness/driver-process';
import { Stack } from '../harness/stack';
import { leftovers, NOTHING } from '../e2e/leftovers';

const id = () => randomBytes(32).toString('hex');

describe('networks of one vrf created and removed in parallel', () => {
  let stack: Stack;
  let driver: DriverProcess;

  before(async () => {
    stack = await Stack.up();
    driver = await DriverProcess.start({ stack });
  });

  after(async () => {
    await driver?.stop();
    await stack?.down();
  });

  const vrf = { 'com.docker.network.generic': { vrf: 'parallel' } };
  const ok = (what: string) => (r: { status: number; raw: string }) => assert.equal(r.status, 200, `${what}: ${r.raw}`);
  const routerPorts = async () =>
    (await stack.nbctl('--bare', '--columns=ports', 'find', 'Logical_Router', 'name=docker-vrf-parallel')).trim().split(/\s+/).length;

  it('leaves one router with a port per network while they exist, and nothing once all are removed', async () => {
    for (let round = 0; round < 5; round++) {
      const nets = [1, 2, 3].map((n) => ({ id: id(), subnet: `10.97.${round * 10 + n}` }));
      const created = await Promise.all(
        nets.map((n) =>
          driver.post('/NetworkDriver.CreateNetwork', {
            NetworkID: n.id,
            Options: vrf,
            IPv4Data: [{ AddressSpace: 'ovn', Pool: `${n.subnet}.0/24`, Gateway: `${n.subnet}.1/24` }],
            IPv6Data: [],
          }),
        ),
      );
      created.forEach(ok(`round ${round}: CreateNetwork`));
      assert.equal(await routerPorts(), 3, `round ${round}: one router, a port per network`);

      const removed = await Promise.all(nets.map((n) => driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: n.id })));
      removed.forEach(ok(`round ${round}: DeleteNetwork`));
      assert.deepEqual(await leftovers(stack), NOTHING, `round ${round}`);
    }
  });

  it('removes a switch that ten networks share (one vrf and subnet, as on ten hosts) once all of them go at once', async () => {
    for (let round = 0; round < 5; round++) {
      const nets = Array.from({ length: 10 }, () => id());
      const request = (NetworkID: string) => ({
        NetworkID,
        Options: vrf,
        IPv4Data: [{ AddressSpace: 'ovn', Pool: '10.99.0.0/24', Gateway: '10.99.0.1/24' }],
        IPv6Data: [],
      });
      (await Promise.all(nets.map((n) => driver.post('/NetworkDriver.CreateNetwork', request(n))))).forEach(
        ok(`round ${round}: CreateNetwork`),
      );
      const ids = await stack.nbctl('--bare', '--columns=external_ids', 'find', 'Logical_Switch', 'name=docker-parallel-10.99.0.0_24');
      for (const n of nets) assert.ok(ids.includes(`docker-ovn:network:${n}`), `round ${round}: one switch holds ${n}: ${ids}`);

      (await Promise.all(nets.map((n) => driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: n })))).forEach(
        ok(`round ${round}: DeleteNetwork`),
      );
      assert.deepEqual(await leftovers(stack), NOTHING, `round ${round}`);
    }
  });

  it('refuses a network whose -o mtu differs from the one another network of its switch gives, and changes nothing', async () => {
    const request = (NetworkID: string, mtu?: string) => ({
      NetworkID,
      Options: { 'com.docker.network.generic': { vrf: 'parallel', ...(mtu ? { mtu } : {}) } },
      IPv4Data: [{ AddressSpace: 'ovn', Pool: '10.97.0.0/24', Gateway: '10.97.0.1/24' }],
      IPv6Data: [],
    });
    const [first, other, same, unset] = [id(), id(), id(), id()];
    ok('first, mtu 1400')(await driver.post('/NetworkDriver.CreateNetwork', request(first, '1400')));
    const before = await stack.nbctl('--bare', '--columns=external_ids', 'find', 'Logical_Switch', 'name=docker-parallel-10.97.0.0_24');

    const refused = await driver.post('/NetworkDriver.CreateNetwork', request(other, '1450'));
    assert.equal(refused.status, 409, refused.raw);
    assert.match(
      (refused.body as { Err: string }).Err,
      new RegExp(`network ${first.slice(0, 12)} .*-o mtu=1400; this network asks for mtu=1450.*give it -o mtu=1400`),
    );
    const after = await stack.nbctl('--bare', '--columns=external_ids', 'find', 'Logical_Switch', 'name=docker-parallel-10.97.0.0_24');
    assert.equal(after, before, 'the refused network left no trace on the switch');

    // The same MTU, or none (the host's default), shares the switch.
    ok('same mtu')(await driver.post('/NetworkDriver.CreateNetwork', request(same, '1400')));
    ok('no mtu')(await driver.post('/NetworkDriver.CreateNetwork', request(unset)));
    for (const n of [first, same, unset])
      ok(`DeleteNetwork ${n.slice(0, 12)}`)(await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: n }));
    ok('DeleteNetwork of the refused one (dockerd never made it)')(await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: other }));
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('refuses a subnet overlapping another of its vrf (inside it, or around it), and changes nothing', async () => {
    const request = (NetworkID: string, pool: string, gateway: string, vrfName = 'parallel') => ({
      NetworkID,
      Options: { 'com.docker.network.generic': { vrf: vrfName } },
      IPv4Data: [{ AddressSpace: 'ovn', Pool: pool, Gateway: gateway }],
      IPv6Data: [],
    });
    const [wide, inside, around, elsewhere] = [id(), id(), id(), id()];
    ok('10.96.0.0/16')(await driver.post('/NetworkDriver.CreateNetwork', request(wide, '10.96.0.0/16', '10.96.0.1/16')));
    const before = await leftovers(stack);
    for (const [n, pool, gw] of [
      [inside, '10.96.1.0/24', '10.96.1.1/24'],
      [around, '10.0.0.0/8', '10.0.0.1/8'],
    ] as const) {
      const r = await driver.post('/NetworkDriver.CreateNetwork', request(n, pool, gw));
      assert.equal(r.status, 409, r.raw);
      assert.match(
        (r.body as { Err: string }).Err,
        new RegExp(`subnet ${pool} overlaps 10\\.96\\.0\\.0/16 of switch \\S+ in vrf parallel`),
      );
    }
    assert.deepEqual(await leftovers(stack), before, 'the refused networks made nothing');
    // Another vrf is another routing table.
    ok('the same subnet in another vrf')(
      await driver.post('/NetworkDriver.CreateNetwork', request(elsewhere, '10.96.1.0/24', '10.96.1.1/24', 'other')),
    );
    // Isolated subnets never route to each other: they may overlap, in any order; a routed one may not.
    const isolated = (NetworkID: string, pool: string, gateway: string) => ({
      ...request(NetworkID, pool, gateway, 'apart'),
      Options: { 'com.docker.network.generic': { vrf: 'apart', isolated: 'true' } },
    });
    const [i1, i2, routedOne] = [id(), id(), id()];
    ok('isolated /16')(await driver.post('/NetworkDriver.CreateNetwork', isolated(i1, '10.95.0.0/16', '10.95.0.1/16')));
    ok('isolated /24 inside it')(await driver.post('/NetworkDriver.CreateNetwork', isolated(i2, '10.95.1.0/24', '10.95.1.1/24')));
    const routedRefused = await driver.post('/NetworkDriver.CreateNetwork', request(routedOne, '10.95.2.0/24', '10.95.2.1/24', 'apart'));
    assert.equal(routedRefused.status, 409, routedRefused.raw);
    assert.match(
      (routedRefused.body as { Err: string }).Err,
      /subnet 10\.95\.2\.0\/24 overlaps 10\.95\.0\.0\/16 .* whose router routes this one/,
    );
    for (const n of [wide, elsewhere, inside, around, i1, i2, routedOne])
      ok('DeleteNetwork')(await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: n }));
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('does the same with the pools and gateways from the driver as IPAM driver (dockerd: pool, gateway, network; and back)', async () => {
    for (let round = 0; round < 3; round++) {
      const subnets = [1, 2, 3].map((n) => `10.98.${round * 10 + n}.0/24`);
      const pools = await Promise.all(
        subnets.map((Pool) =>
          driver.post('/IpamDriver.RequestPool', { AddressSpace: 'ovn-local', Pool, SubPool: '', Options: { vrf: 'parallel' }, V6: false }),
        ),
      );
      pools.forEach(ok(`round ${round}: RequestPool`));
      const poolIds = pools.map((r) => (r.body as { PoolID: string }).PoolID);
      const gateways = await Promise.all(
        poolIds.map((PoolID) =>
          driver.post('/IpamDriver.RequestAddress', { PoolID, Address: '', Options: { RequestAddressType: 'com.docker.network.gateway' } }),
        ),
      );
      gateways.forEach(ok(`round ${round}: RequestAddress`));
      const nets = subnets.map((Pool, i) => ({
        NetworkID: id(),
        Options: vrf,
        IPv4Data: [{ AddressSpace: 'ovn-local', Pool, Gateway: (gateways[i].body as { Address: string }).Address }],
        IPv6Data: [],
      }));
      (await Promise.all(nets.map((n) => driver.post('/NetworkDriver.CreateNetwork', n)))).forEach(ok(`round ${round}: CreateNetwork`));
      assert.equal(await routerPorts(), 3, `round ${round}: one router, a port per network`);

      (await Promise.all(nets.map((n) => driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: n.NetworkID })))).forEach(
        ok(`round ${round}: DeleteNetwork`),
      );
      const released = await Promise.all(
        nets.map((n, i) => driver.post('/IpamDriver.ReleaseAddress', { PoolID: poolIds[i], Address: n.IPv4Data[0].Gateway.split('/')[0] })),
      );
      released.forEach(ok(`round ${round}: ReleaseAddress`));
      (await Promise.all(poolIds.map((PoolID) => driver.post('/IpamDriver.ReleasePool', { PoolID })))).forEach(
        ok(`round ${round}: ReleasePool`),
      );
      assert.deepEqual(await leftovers(stack), NOTHING, `round ${round}`);
    }
  });
});
