/**
 * OVN_DRIVER_SCOPE=global: swarm gives every node's dockerd the network under one NetworkID, so the network
 * is one record for all hosts, and one node's DeleteNetwork (its last task there gone) must leave it to the
 * nodes still using it. Another host's endpoint is written to NB as its driver would write it; the driver
 * process on a real stack, spoken to over its socket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DriverProcess, WireReply } from '../harness/driver-process';
import { Stack, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from '../e2e/leftovers';

const id = () => randomBytes(32).toString('hex');
/** A swarm NetworkID (swarmkit identity.NewID): 25 base-36 characters. */
const swarmId = () =>
  BigInt(`0x${randomBytes(16).toString('hex')}`)
    .toString(36)
    .padStart(25, '0');

describe('global scope: a NetworkID every host shares', () => {
  let stack: Stack;
  let driver: DriverProcess;
  const ok = (r: WireReply) => assert.equal(r.status, 200, r.raw);
  /**
   * The last host's DeleteNetwork, sent here for host B once its change (written with ovn-nbctl) reached this
   * driver's NB replica a moment later: until then the driver rightly keeps the network for B.
   */
  const lastDelete = (net: string) =>
    waitFor(
      async () => {
        ok(await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net }));
        return (await leftovers(stack)).switches.length === 0;
      },
      { timeoutMs: 5000, what: 'the network removed by the last host' },
    );

  before(async () => {
    stack = await Stack.up();
    driver = await DriverProcess.start({ stack, env: { OVN_DRIVER_SCOPE: 'global', OVN_DRIVER_RECONCILE_INTERVAL_S: '0' } });
  });

  after(async () => {
    await driver?.stop();
    await stack?.down();
  });

  it("keeps the network while another host has endpoints on it; the last host's DeleteNetwork removes it", async () => {
    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).raw, '{"Scope":"global","ConnectivityScope":"global"}');
    const [net, mine, theirs] = [swarmId(), id(), id()];
    // What a swarm manager's IPAM hands every node: the GlobalDefault space, one pool for the cluster.
    ok(
      await driver.post('/NetworkDriver.CreateNetwork', {
        NetworkID: net,
        Options: {},
        IPv4Data: [{ AddressSpace: 'GlobalDefault', Pool: '10.98.0.0/24', Gateway: '10.98.0.1/24' }],
        IPv6Data: [],
      }),
    );
    const sw = 'docker-default-10.98.0.0_24';
    ok(
      await driver.post('/NetworkDriver.CreateEndpoint', {
        NetworkID: net,
        EndpointID: mine,
        Interface: { Address: '10.98.0.2/24', AddressIPv6: '', MacAddress: '' },
        Options: {},
      }),
    );
    // Host B's driver, on the same network: its logical port names its own chassis.
    await stack.nbctl(
      'lsp-add',
      sw,
      theirs,
      '--',
      'lsp-set-addresses',
      theirs,
      '02:00:0a:62:00:03 10.98.0.3',
      '--',
      'set',
      'Logical_Switch_Port',
      theirs,
      'external_ids:"docker-ovn:owner"="docker-ovn-driver"',
      `external_ids:"docker-ovn:network-id"="${net}"`,
      `external_ids:"docker-ovn:endpoint-id"="${theirs}"`,
      'external_ids:"docker-ovn:chassis"="host-b"',
    );
    ok(await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: mine }));
    // This node's last task went: its dockerd drops the network; host B's container keeps it.
    ok(await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net }));
    const ports = (await stack.nbctl('--bare', '--columns=name', 'list', 'Logical_Switch_Port')).split(/\s+/);
    assert.ok(ports.includes(theirs), "host B's endpoint stays");
    assert.equal((await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', `name=${sw}`)).trim(), sw);
    assert.match(driver.logs, /network kept: other hosts have it/);
    assert.match(driver.logs, /"hosts":\["host-b"\]/);
    // Host B's container goes, then its DeleteNetwork (the same request from the last host): all of it goes.
    await stack.nbctl('lsp-del', theirs);
    await lastDelete(net);
    assert.deepEqual(await leftovers(stack), NOTHING);
  });

  it('keeps the network for a host that has it with no endpoint now (between two tasks)', async () => {
    const net = swarmId();
    const request = {
      NetworkID: net,
      Options: {},
      IPv4Data: [{ AddressSpace: 'GlobalDefault', Pool: '10.99.0.0/24', Gateway: '10.99.0.1/24' }],
      IPv6Data: [],
    };
    ok(await driver.post('/NetworkDriver.CreateNetwork', request));
    const sw = 'docker-default-10.99.0.0_24';
    const hosts = async () =>
      (await stack.nbctl('--bare', '--columns=external_ids', 'find', 'Logical_Switch', `name=${sw}`))
        .split(/\s+/)
        .filter((kv) => kv.startsWith(`"docker-ovn:host:${net}:`) || kv.startsWith(`docker-ovn:host:${net}:`))
        .map((kv) => kv.replace(/"/g, '').split('=')[0]!.split(':').pop())
        .sort();
    const chassis = (await stack.vsctl('get', 'Open_vSwitch', '.', 'external_ids:system-id')).trim().replace(/"/g, '');
    assert.deepEqual(await hosts(), [chassis]);
    // Host B's dockerd made the network too (its CreateNetwork records its chassis), and has no container on it.
    await stack.nbctl('set', 'Logical_Switch', sw, `external_ids:"docker-ovn:host:${net}:host-b"=1`);
    ok(await driver.post('/NetworkDriver.CreateNetwork', request));
    assert.deepEqual(await hosts(), [chassis, 'host-b'].sort());
    ok(await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net }));
    assert.deepEqual(await hosts(), ['host-b'], "this host's presence went, the network stays for host B");
    // Host B's DeleteNetwork, its last task gone: removes its presence, and the network with it.
    await stack.nbctl('remove', 'Logical_Switch', sw, 'external_ids', `"docker-ovn:host:${net}:host-b"`);
    await lastDelete(net);
    assert.deepEqual(await leftovers(stack), NOTHING);
  });
});
