/**
 * Two driver instances (two sockets, one NB) allocating from one pool at the same time, as two hosts
 * sharing a network do: every address is handed out once, released addresses come back, exhaustion is
 * an Err, and a restart loses nothing (the state is in NB). None of it reaches the Southbound DB, and
 * pools of the earlier Address_Set layout are taken over on start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { DriverProcess } from '../harness/driver-process';
import { allocatedInNb, poolRowInNb } from '../harness/ipam-nb';
import { run, Stack, waitFor } from '../harness/stack';

async function inBatches<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

describe('IPAM across driver instances', () => {
  let stack: Stack;
  let a: DriverProcess;
  let b: DriverProcess;

  before(async () => {
    stack = await Stack.up();
    [a, b] = await Promise.all([DriverProcess.start({ stack }), DriverProcess.start({ stack })]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await stack?.down();
  });

  const pool = async (d: DriverProcess, subnet: string) => {
    const r = await d.post('/IpamDriver.RequestPool', { AddressSpace: 'ovn-local', Pool: subnet, SubPool: '', Options: {}, V6: false });
    assert.equal(r.status, 200, r.raw);
    return (r.body as { PoolID: string }).PoolID;
  };
  /** After ovn-northd caught up: the Southbound DB holds no pool row and none of the addresses. */
  const assertNothingInSb = async (addresses: string[]) => {
    await stack.nbctl('--wait=sb', 'sync');
    const sb = await run('ovsdb-client', ['dump', stack.sbRemote, 'OVN_Southbound']);
    assert.doesNotMatch(sb, /docker-ovn|docker_ipam/);
    assert.deepEqual(
      addresses.map((x) => x.split('/')[0]).filter((ip) => new RegExp(`\\b${ip.replace(/\./g, '\\.')}\\b`).test(sb)),
      [],
    );
  };
  const take = (d: DriverProcess, poolId: string) => d.post('/IpamDriver.RequestAddress', { PoolID: poolId, Address: '', Options: {} });

  it('hands out 2 x 200 distinct addresses concurrently, reuses released ones, survives a restart', async () => {
    const [idA, idB] = await Promise.all([pool(a, '10.90.0.0/23'), pool(b, '10.90.0.0/23')]);
    assert.equal(idA, idB);
    const replies = (await Promise.all([inBatches(200, 10, () => take(a, idA)), inBatches(200, 10, () => take(b, idB))])).flat();
    const failed = replies.filter((r) => r.status !== 200);
    assert.deepEqual(
      failed.map((r) => r.raw),
      [],
    );
    const addresses = replies.map((r) => (r.body as { Address: string }).Address);
    assert.equal(new Set(addresses).size, 400);
    for (const addr of addresses) assert.match(addr, /^10\.90\.[01]\.\d+\/23$/);

    const inNb = () => allocatedInNb(stack, 'ovn-local|10.90.0.0/23');
    assert.deepEqual(await inNb(), addresses.map((x) => x.split('/')[0]).sort());
    await assertNothingInSb(addresses);

    const released = addresses.slice(0, 5).map((x) => x.split('/')[0]);
    for (const ip of released) assert.equal((await b.post('/IpamDriver.ReleaseAddress', { PoolID: idA, Address: ip })).status, 200);
    assert.equal(
      (await a.post('/IpamDriver.ReleaseAddress', { PoolID: idA, Address: released[0] })).status,
      200,
      'releasing twice is fine',
    );
    const again = await inBatches(5, 5, () => take(a, idA));
    assert.deepEqual(again.map((r) => (r.body as { Address: string }).Address.split('/')[0]).sort(), [...released].sort());

    await a.stop('SIGKILL');
    await a.spawn();
    assert.equal((await inNb()).length, 400);
    const after = await take(a, idA);
    assert.ok(!addresses.includes((after.body as { Address: string }).Address), 'a restarted driver does not hand out a held address');

    for (const d of [a, b]) assert.equal((await d.post('/IpamDriver.ReleasePool', { PoolID: idA })).status, 200);
    assert.equal((await stack.nbctl('--bare', '--columns=cidr', 'find', 'DHCP_Options')).trim(), '');
  });

  it('answers exhaustion, foreign addresses, taken addresses and unknown pools with non-200 Err', async () => {
    const id = await pool(a, '10.91.0.0/29');
    for (let i = 0; i < 6; i++) assert.equal((await take(a, id)).status, 200);
    assert.deepEqual((await take(b, id)).body, { Err: 'RequestAddress: no free address left in pool 10.91.0.0/29 (ovn-local)' });
    const foreign = await a.post('/IpamDriver.RequestAddress', { PoolID: id, Address: '10.92.0.1', Options: {} });
    assert.deepEqual(
      [foreign.status, foreign.body],
      [400, { Err: 'RequestAddress: address 10.92.0.1 is not a usable address of pool 10.91.0.0/29' }],
    );
    const taken = await a.post('/IpamDriver.RequestAddress', { PoolID: id, Address: '10.91.0.1', Options: {} });
    assert.deepEqual(
      [taken.status, taken.body],
      [
        409,
        {
          Err: 'RequestAddress: address 10.91.0.1 is already allocated in pool ovn-local|10.91.0.0/29 (to a container, or as an --aux-address of a network on this pool, on any host sharing it: give an --aux-address on one of them only)',
        },
      ],
    );
    const unknown = await a.post('/IpamDriver.RequestAddress', { PoolID: 'ovn-local|10.99.0.0/24|', Address: '', Options: {} });
    assert.deepEqual(
      [unknown.status, unknown.body],
      [500, { Err: 'RequestAddress: pool ovn-local|10.99.0.0/24 is not known to this driver (was it released?)' }],
    );
    assert.equal((await a.post('/IpamDriver.ReleasePool', { PoolID: id })).status, 200);
    assert.equal((await a.post('/IpamDriver.ReleasePool', { PoolID: id })).status, 200, 'releasing an unknown pool is fine');
  });

  it('takes over a pool of the earlier Address_Set layout on start: allocations, users and gateway kept', async () => {
    // The rows a driver of the earlier layout made, written with ovsdb-client as that driver did.
    const key = 'ovn-local|10.93.0.0/23';
    const name = `docker_ipam_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    const held = ['10.93.0.1', '10.93.0.2', '10.93.0.3', '10.93.1.10'];
    const ids = {
      'docker-ovn:owner': 'docker-ovn-driver',
      'docker-ovn:pool': key,
      'docker-ovn:refs': '1',
      'docker-ovn:gateway': '10.93.0.1',
    };
    await a.stop();
    const row = { name, addresses: ['set', held], external_ids: ['map', Object.entries(ids)] };
    await run('ovsdb-client', [
      'transact',
      stack.nbRemote,
      JSON.stringify(['OVN_Northbound', { op: 'insert', table: 'Address_Set', row }]),
    ]);
    await a.spawn();
    await waitFor(async () => (await stack.nbctl('--bare', '--columns=name', 'find', 'Address_Set', `name=${name}`)).trim() === '', {
      timeoutMs: 20_000,
      what: 'the Address_Set pool to be migrated',
    });
    assert.deepEqual(await poolRowInNb(stack, key), { ...ids, 'docker-ovn:ipam': 'pool' });
    assert.deepEqual(await allocatedInNb(stack, key), [...held].sort());

    const id = await pool(b, '10.93.0.0/23');
    assert.equal((await poolRowInNb(stack, key))?.['docker-ovn:refs'], '2');
    assert.equal(((await take(a, id)).body as { Address: string }).Address, '10.93.0.4/23');
    const gw = await b.post('/IpamDriver.RequestAddress', {
      PoolID: id,
      Address: '',
      Options: { RequestAddressType: 'com.docker.network.gateway' },
    });
    assert.equal((gw.body as { Address: string }).Address, '10.93.0.1/23', 'the pool keeps its gateway');
    const taken = await a.post('/IpamDriver.RequestAddress', { PoolID: id, Address: '10.93.1.10', Options: {} });
    assert.equal(taken.status, 409, taken.raw);
    assert.equal((await b.post('/IpamDriver.ReleaseAddress', { PoolID: id, Address: '10.93.0.2' })).status, 200);
    assert.equal(((await take(b, id)).body as { Address: string }).Address, '10.93.0.2/23');
    await assertNothingInSb(held);

    for (const d of [a, b]) assert.equal((await d.post('/IpamDriver.ReleasePool', { PoolID: id })).status, 200);
    assert.equal((await stack.nbctl('--bare', '--columns=cidr', 'find', 'DHCP_Options')).trim(), '');
  });
});
