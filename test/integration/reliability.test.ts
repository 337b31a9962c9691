/**
 * Reliability on a real stack: NB and the local OVS DB hung or killed (verbs answer Err within 5 s,
 * recover by themselves within 5 s of the database coming back), the driver killed at each step of an
 * endpoint's life (dockerd's next calls succeed, nothing leaks), SIGTERM with a verb in flight, and 200
 * endpoint lifecycles at concurrency 20.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hang, kill } from '../harness/daemons';
import { DriverProcess, WireReply } from '../harness/driver-process';
import { Stack, waitFor } from '../harness/stack';
import { leftovers } from '../e2e/leftovers';

const id = () => randomBytes(32).toString('hex');

describe('reliability', () => {
  let stack: Stack;
  let driver: DriverProcess;
  const net = id();
  let nextIp = 10;

  const createNetwork = () =>
    driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: net,
      Options: {},
      IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.96.0.0/16', Gateway: '10.96.0.1/16' }],
      IPv6Data: [],
    });
  const createEndpoint = (ep: string) =>
    driver.post('/NetworkDriver.CreateEndpoint', {
      NetworkID: net,
      EndpointID: ep,
      Interface: { Address: `10.96.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 2}/16`, AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
  const join = (ep: string) =>
    driver.post('/NetworkDriver.Join', { NetworkID: net, EndpointID: ep, SandboxKey: '/var/run/docker/netns/reliability', Options: {} });
  const leave = (ep: string) => driver.post('/NetworkDriver.Leave', { NetworkID: net, EndpointID: ep });
  const deleteEndpoint = (ep: string) => driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep });
  const ok = (r: WireReply) => assert.equal(r.status, 200, r.raw);
  /** Only the network's own switch and router port may remain. */
  const assertNoEndpointsLeft = async () => {
    const l = await leftovers(stack);
    assert.deepEqual([l.ports.filter((p) => /^[0-9a-f]{64}$/.test(p)), l.ovsPorts, l.veths], [[], [], []]);
  };

  before(async () => {
    stack = await Stack.up();
    driver = await DriverProcess.start({ stack, env: { OVN_DRIVER_RECONCILE_INTERVAL_S: '0' } });
    ok(await createNetwork());
  });

  after(async () => {
    await driver?.stop();
    await stack?.down();
  });

  async function timed(fn: () => Promise<WireReply>): Promise<[WireReply, number]> {
    const t0 = Date.now();
    const r = await fn();
    return [r, Date.now() - t0];
  }

  async function recovers(what: string, fn: () => Promise<WireReply>): Promise<number> {
    const t0 = Date.now();
    await waitFor(async () => (await fn()).status === 200, { timeoutMs: 5000, intervalMs: 100, what });
    return Date.now() - t0;
  }

  for (const [db, pidfile] of [
    ['NB', 'nb.pid'],
    ['the local OVS DB', 'ovsdb.pid'],
  ] as const) {
    // The verb that needs this DB: CreateEndpoint writes NB; Join writes the local OVS DB.
    // Endpoints a failed probe may leave: after an outage the test removes them as dockerd would
    // (DeleteEndpoint after a failed Join); a CreateEndpoint whose reply was lost is the reconciler's job.
    const probed: string[] = [];
    const cleanUp = async () => {
      for (const ep of probed.splice(0)) {
        ok(await leave(ep));
        ok(await deleteEndpoint(ep));
      }
    };
    const probe = async () => {
      const ep = id();
      probed.push(ep);
      const c = await createEndpoint(ep);
      if (c.status !== 200) return c;
      const j = await join(ep);
      await leave(ep);
      await deleteEndpoint(ep);
      return j;
    };

    it(`answers Err within 5 s while ${db} hangs, and recovers within 5 s`, async () => {
      const resume = hang(stack, pidfile);
      try {
        await sleep(200);
        const [r, ms] = await timed(probe);
        assert.equal(r.status, 503, r.raw);
        assert.match((r.body as { Err: string }).Err, /^(CreateEndpoint|Join|Leave|DeleteEndpoint): /);
        assert.ok(ms < 5000, `answered after ${ms} ms`);
      } finally {
        resume();
      }
      await recovers(`driver to recover after ${db} resumed`, probe);
      await cleanUp();
      await assertNoEndpointsLeft();
    });

    it(`answers Err at once while ${db} is down, and recovers within 5 s of its restart`, async () => {
      const restart = await kill(stack, pidfile);
      try {
        await sleep(200);
        const [r, ms] = await timed(probe);
        assert.equal(r.status, 503, r.raw);
        assert.ok(ms < 5000, `answered after ${ms} ms`);
      } finally {
        await restart();
      }
      await recovers(`driver to recover after ${db} restarted`, probe);
      await cleanUp();
      await assertNoEndpointsLeft();
    });
  }

  it('stays up when a network appears in NB while the local OVS DB is down (another host; OVS restarting here)', async () => {
    const restart = await kill(stack, 'ovsdb.pid');
    const other = `other-host-${randomBytes(3).toString('hex')}`;
    try {
      await sleep(200);
      // What another host's driver writes for a routed network (a gateway, not isolated): a switch of ours,
      // a vrf change for every host, whose sandboxes' routes are then looked at (through this host's OVS DB,
      // which is down).
      await stack.nbctl(
        'ls-add',
        other,
        '--',
        'set',
        'Logical_Switch',
        other,
        'external_ids:"docker-ovn:owner"="docker-ovn-driver"',
        'external_ids:"docker-ovn:vrf"="default"',
        'external_ids:"docker-ovn:subnet"="10.55.0.0/24"',
        'external_ids:"docker-ovn:gateway"="10.55.0.1"',
      );
      await sleep(1000); // the resync starts 100 ms after the change
      assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200, 'the driver still answers');
      await waitFor(() => driver.logs.includes('sandbox routes: resync put off'), { timeoutMs: 5000, what: 'the resync put off' });
    } finally {
      await restart();
    }
    // Back to work once OVS is: a whole lifecycle, Join included (the local OVS DB).
    const ep = id();
    await recovers('a lifecycle after the local OVS DB restarted', async () => {
      const c = await createEndpoint(ep);
      return c.status === 200 || /exists/.test(c.raw) ? join(ep) : c;
    });
    ok(await leave(ep));
    ok(await deleteEndpoint(ep));
    await stack.nbctl('ls-del', other);
    await assertNoEndpointsLeft();
  });

  it('takes the host side away on Leave while NB is down; DeleteEndpoint removes the logical port once NB is back', async () => {
    const ep = id();
    ok(await createEndpoint(ep));
    ok(await join(ep));
    const hostVeth = `ovn${ep.slice(0, 12)}`;
    assert.ok((await stack.links()).includes(hostVeth), `${hostVeth} made by CreateEndpoint`);
    const restart = await kill(stack, 'nb.pid');
    try {
      await sleep(200);
      // docker stop during an NB outage: the container's sandbox goes whatever the driver answers.
      ok(await leave(ep));
      assert.deepEqual(await stack.vsctl('list-ports', stack.bridge).then((s) => s.trim()), '', 'no OVS port left');
      await waitFor(async () => !(await stack.links()).includes(hostVeth), { timeoutMs: 5000, what: `${hostVeth} deleted` });
      const d = await deleteEndpoint(ep);
      assert.equal(d.status, 503, d.raw);
    } finally {
      await restart();
    }
    await recovers('DeleteEndpoint once NB is back', () => deleteEndpoint(ep));
    await assertNoEndpointsLeft();
  });

  it('started while NB is down (a host booting), holds verbs until NB is up instead of failing them', async () => {
    const restartNb = await kill(stack, 'nb.pid');
    let nbBack: Promise<void> | undefined;
    const restart = () => (nbBack ??= restartNb());
    let booting: DriverProcess | undefined;
    const net2 = id();
    try {
      booting = await DriverProcess.start({ stack, socketOnly: true, env: { OVN_DRIVER_RECONCILE_INTERVAL_S: '0' } });
      // What dockerd sends first does not need OVSDB and is answered at once.
      const caps = await booting.post('/NetworkDriver.GetCapabilities');
      assert.deepEqual([caps.status, caps.body], [200, { Scope: 'local', ConnectivityScope: 'local' }]);
      let answeredAt = 0;
      const held = booting.post('/NetworkDriver.CreateNetwork', {
        NetworkID: net2,
        Options: {},
        IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.97.0.0/16', Gateway: '10.97.0.1/16' }],
        IPv6Data: [],
      });
      void held.then(
        () => (answeredAt = Date.now()),
        () => undefined,
      );
      await sleep(1500);
      assert.equal(answeredAt, 0, 'held while NB is down');
      const nbBackAt = Date.now();
      await restart();
      const r = await held;
      assert.equal(r.status, 200, r.raw);
      assert.ok(answeredAt >= nbBackAt, 'answered only once NB was back');
      assert.match(booting.logs, /cannot connect to OVN Northbound DB \(unix:[^)]+\): connect (ENOENT|ECONNREFUSED) /);
      ok(await booting.post('/NetworkDriver.DeleteNetwork', { NetworkID: net2 }));
    } finally {
      await booting?.stop();
      await restart();
    }
    // The suite's own driver lost NB too: the next tests start once it is back.
    await waitFor(async () => (await driver.post('/NetworkDriver.EndpointOperInfo', { NetworkID: net, EndpointID: id() })).status !== 503, {
      timeoutMs: 5000,
      intervalMs: 100,
      what: 'the suite driver back on NB',
    });
  });

  for (const point of ['after CreateEndpoint', 'during Join', 'after Join', 'after Leave'] as const) {
    it(`survives SIGKILL ${point}: dockerd's next calls succeed and nothing leaks`, async () => {
      const ep = id();
      ok(await createEndpoint(ep));
      if (point === 'during Join') {
        const inFlight = join(ep).catch(() => undefined);
        await sleep(15);
        await driver.stop('SIGKILL');
        await inFlight;
      } else {
        if (point !== 'after CreateEndpoint') ok(await join(ep));
        if (point === 'after Leave') ok(await leave(ep));
        await driver.stop('SIGKILL');
      }
      await driver.spawn();
      // What dockerd sends next: Leave + DeleteEndpoint (docker stop), or DeleteEndpoint (failed Join rollback).
      if (point !== 'after Leave') ok(await leave(ep));
      ok(await deleteEndpoint(ep));
      await assertNoEndpointsLeft();
    });
  }

  it("gives a restarted container the address of an endpoint whose host lost power before dockerd's Leave reached the driver", async () => {
    const address = '10.96.200.2/16';
    const create = (ep: string) =>
      driver.post('/NetworkDriver.CreateEndpoint', {
        NetworkID: net,
        EndpointID: ep,
        Interface: { Address: address, AddressIPv6: '', MacAddress: '' },
        Options: {},
      });
    const [old, restored] = [id(), id()];
    ok(await create(old));
    ok(await join(old));
    const live = await create(id());
    assert.equal(live.status, 409, `a live endpoint keeps its address: ${live.raw}`);
    // The power goes: the driver, and the container's namespace with its veth. OVS keeps the port in its
    // database, NB the logical port; dockerd's boot-time cleanup did not reach the driver, and its IPAM
    // hands the address to the restarted container.
    await driver.stop('SIGKILL');
    await stack.exec('ip', 'link', 'del', `ovn${old.slice(0, 12)}`);
    await driver.spawn();
    ok(await create(restored));
    assert.match(driver.logs, new RegExp(`removing endpoint ${old} of this host`));
    assert.equal((await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch_Port', `name=${old}`)).trim(), '');
    ok(await join(restored));
    ok(await leave(restored));
    ok(await deleteEndpoint(restored));
    // dockerd's own cleanup of the old endpoint, should it come after all, finds nothing to do.
    ok(await leave(old));
    ok(await deleteEndpoint(old));
    await assertNoEndpointsLeft();
  });

  it('finishes an in-flight Join on SIGTERM, closes and removes its socket', async () => {
    const ep = id();
    ok(await createEndpoint(ep));
    const inFlight = join(ep);
    await sleep(5);
    const exited = driver.stop('SIGTERM');
    ok(await inFlight);
    assert.equal(await exited, 0);
    assert.equal(existsSync(driver.socket), false);
    await driver.spawn();
    ok(await leave(ep));
    ok(await deleteEndpoint(ep));
    await assertNoEndpointsLeft();
  });

  it('runs 200 endpoint lifecycles at concurrency 20 with no error and no leak', async () => {
    const errors: string[] = [];
    let started = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (started < 200) {
          started++;
          const ep = id();
          for (const step of [createEndpoint, join, leave, deleteEndpoint]) {
            const r = await step(ep);
            if (r.status !== 200) errors.push(r.raw);
          }
        }
      }),
    );
    assert.deepEqual(errors, []);
    await assertNoEndpointsLeft();
  });
});
