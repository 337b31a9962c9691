/**
 * A 3-node RAFT Northbound cluster given to the driver as three remotes: the leader is killed under load;
 * verbs succeed again within 10 s and no row is duplicated (a retried transaction whose first try did
 * commit must not add a second switch or port).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DriverProcess } from '../harness/driver-process';
import { NbCluster } from '../harness/nb-cluster';
import { run, Stack } from '../harness/stack';

const id = () => randomBytes(32).toString('hex');

describe('clustered Northbound DB', () => {
  let stack: Stack;
  let cluster: NbCluster;
  let driver: DriverProcess;

  before(async () => {
    // Both kept when only one comes up, so `after` stops the one that did.
    const [s, c] = await Promise.allSettled([Stack.up(), NbCluster.up(3)]);
    if (s.status === 'fulfilled') stack = s.value;
    if (c.status === 'fulfilled') cluster = c.value;
    for (const r of [s, c]) if (r.status === 'rejected') throw r.reason;
    driver = await DriverProcess.start({
      stack,
      env: { OVN_DRIVER_NB: cluster.remotes, OVN_DRIVER_JOIN_TIMEOUT_MS: '0', OVN_DRIVER_RECONCILE_INTERVAL_S: '0' },
    });
  });

  after(async () => {
    await driver?.stop();
    await cluster?.down();
    await stack?.down();
  });

  it('fails over when the leader dies under load, without duplicate rows', async () => {
    const net = id();
    const r = await driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: net,
      Options: {},
      IPv4Data: [{ Pool: '10.97.0.0/16', Gateway: '10.97.0.1/16' }],
      IPv6Data: [],
    });
    assert.equal(r.status, 200, r.raw);

    let n = 10;
    let stop = false;
    let killedAt = 0;
    let lastFailure = 0;
    const created: string[] = [];
    const worker = async () => {
      while (!stop) {
        const ep = id();
        const reply = await driver.post('/NetworkDriver.CreateEndpoint', {
          NetworkID: net,
          EndpointID: ep,
          Interface: { Address: `10.97.${Math.floor(n / 250)}.${(n++ % 250) + 2}/16`, AddressIPv6: '', MacAddress: '' },
          Options: {},
        });
        if (reply.status === 200) created.push(ep);
        else if (killedAt) lastFailure = Date.now();
        else assert.fail(`failed before the leader was killed: ${reply.raw}`);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await new Promise((r) => setTimeout(r, 1000));
    const leader = await cluster.leader();
    assert.notEqual(leader, undefined);
    killedAt = Date.now();
    await cluster.kill(leader!);
    await new Promise((r) => setTimeout(r, 12_000));
    stop = true;
    await Promise.all(workers);

    const recoveredAfter = lastFailure ? lastFailure - killedAt : 0;
    assert.ok(recoveredAfter < 10_000, `verbs failed until ${recoveredAfter} ms after the leader died`);
    assert.ok(created.length > 50, `only ${created.length} endpoints made`);

    const survivor = [0, 1, 2].find((i) => i !== leader)!;
    const nbctl = (...args: string[]) => run('ovn-nbctl', [`--db=unix:${cluster.sock(survivor)}`, '--no-leader-only', ...args]);
    const names = (await nbctl('--bare', '--columns=name', 'list', 'Logical_Switch_Port'))
      .split(/\s+/)
      .filter((x) => /^[0-9a-f]{64}$/.test(x));
    assert.equal(new Set(names).size, names.length, 'no port twice');
    for (const ep of created) assert.ok(names.includes(ep), `${ep} acknowledged but missing`);
    assert.equal((await nbctl('--bare', '--columns=name', 'list', 'Logical_Switch')).split(/\s+/).filter(Boolean).length, 1, 'one switch');

    // Every endpoint goes again, host side included (CreateEndpoint made a veth and an OVS port for each).
    const queue = [...created];
    const remover = async () => {
      for (let ep = queue.pop(); ep; ep = queue.pop()) {
        const reply = await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep });
        assert.equal(reply.status, 200, reply.raw);
      }
    };
    await Promise.all(Array.from({ length: 8 }, remover));
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net })).status, 200);
    assert.deepEqual(
      (await stack.links()).split('\n').filter((l) => / ov[nc][0-9a-f]{12}[@:]/.test(l)),
      [],
      'no veth left',
    );
  });
});
