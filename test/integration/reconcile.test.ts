/**
 * The reconciler on a real stack and dockerd: leftovers of this host go, rows of other hosts and rows
 * the driver does not own stay. The networks are made through the socket, so the local dockerd does not
 * know them: their endpoints count as gone once nothing on the host holds them (no sandbox, or a sandbox
 * whose network namespace is gone), and a network as gone once it has no endpoint.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, DockerEngine } from '../harness/docker';
import { DriverProcess } from '../harness/driver-process';
import { run, Stack, waitFor } from '../harness/stack';

const id = () => randomBytes(32).toString('hex');

describe('reconciler', () => {
  let stack: Stack;
  let engine: DockerEngine;
  let driver: DriverProcess;
  const net = id();
  /** Network namespaces standing for the sandboxes of running containers. */
  const sandboxes = [`rec-${randomBytes(3).toString('hex')}`, `rec-${randomBytes(3).toString('hex')}`];
  const sandboxKey = (name: string) => `/run/netns/${name}`;
  const leftSandbox = `/run/netns/rec-left-${randomBytes(3).toString('hex')}`;
  const createNetwork = async (networkId: string, pool: string) => {
    const r = await driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: networkId,
      Options: {},
      IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: pool, Gateway: `${pool.replace(/0\/24$/, '1')}/24` }],
      IPv6Data: [],
    });
    assert.equal(r.status, 200, r.raw);
  };

  before(async () => {
    stack = await Stack.up();
    engine = await ensureDocker();
    for (const ns of sandboxes) await run('ip', ['netns', 'add', ns]);
    driver = await DriverProcess.start({ stack, env: { OVN_DRIVER_RECONCILE_INTERVAL_S: '1' } });
    await createNetwork(net, '10.95.0.0/24');
  });

  after(async () => {
    await driver?.stop();
    await run('ip', ['link', 'del', 'ovn0123456789ab']).catch(() => undefined);
    for (const ns of sandboxes) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    await rm(leftSandbox, { force: true });
    await stack?.down();
    await engine?.stop();
  });

  const endpoint = async (ep: string, ip: string, sandbox: string | undefined) => {
    const c = await driver.post('/NetworkDriver.CreateEndpoint', {
      NetworkID: net,
      EndpointID: ep,
      Interface: { Address: `${ip}/24`, AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
    assert.equal(c.status, 200, c.raw);
    if (sandbox)
      assert.equal(
        (await driver.post('/NetworkDriver.Join', { NetworkID: net, EndpointID: ep, SandboxKey: sandbox, Options: {} })).status,
        200,
      );
  };
  const lsps = async () => (await stack.nbctl('--bare', '--columns=name', 'list', 'Logical_Switch_Port')).split(/\s+/).filter(Boolean);
  const ifaces = async () => (await stack.vsctl('--bare', '--columns=name', 'list', 'Interface')).split(/\s+/).filter(Boolean);
  const links = async () => (await stack.links()).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '');

  it('removes this host’s leftovers and nothing else', async () => {
    // An OVS port and veth whose endpoint vanished from NB.
    const gone = id();
    await endpoint(gone, '10.95.0.10', sandboxKey(sandboxes[0]!));
    await stack.nbctl('lsp-del', gone);
    // A veth left by a crash before its OVS port was added.
    await run('ip', ['link', 'add', 'ovn0123456789ab', 'type', 'veth', 'peer', 'name', 'ovc0123456789ab']);
    // An endpoint of this chassis that dockerd does not know, never joined: its logical port and the host
    // side CreateEndpoint made (veth, OVS port without a SandboxKey).
    const unjoined = id();
    await endpoint(unjoined, '10.95.0.11', undefined);
    // A container stopped while the driver could not answer its Leave: joined, its network namespace
    // unmounted, the file left behind (dockerd removes it up to a minute later).
    const stopped = id();
    await writeFile(leftSandbox, '');
    await endpoint(stopped, '10.95.0.13', leftSandbox);
    // Not the reconciler's: another host's port, a port the driver does not own, an OVS port it did not add.
    const [sw] = (
      await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'external_ids:docker-ovn\\:owner=docker-ovn-driver')
    ).split(/\s+/);
    const otherHost = id();
    await stack.nbctl(
      'lsp-add',
      sw,
      otherHost,
      '--',
      'set',
      'Logical_Switch_Port',
      otherHost,
      'external_ids:docker-ovn\\:owner=docker-ovn-driver',
      'external_ids:docker-ovn\\:chassis=another-host',
      `external_ids:docker-ovn\\:endpoint-id=${otherHost}`,
      `external_ids:docker-ovn\\:network-id=${net}`,
    );
    await stack.nbctl('lsp-add', sw, 'foreign-lsp');
    await stack.vsctl(
      'add-port',
      stack.bridge,
      'foreign0',
      '--',
      'set',
      'Interface',
      'foreign0',
      'type=internal',
      'external_ids:iface-id=nowhere',
    );
    // A joined endpoint that is alive: its sandbox exists.
    const alive = id();
    await endpoint(alive, '10.95.0.12', sandboxKey(sandboxes[0]!));

    await waitFor(
      async () => {
        const [l, i, h] = [await lsps(), await ifaces(), await links()];
        return (
          !i.includes(`ovn${gone.slice(0, 12)}`) &&
          !h.includes(`ovn${gone.slice(0, 12)}`) &&
          !h.includes('ovn0123456789ab') &&
          !l.includes(unjoined) &&
          !i.includes(`ovn${unjoined.slice(0, 12)}`) &&
          !l.includes(stopped) &&
          !i.includes(`ovn${stopped.slice(0, 12)}`)
        );
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the reconciler to remove the leftovers' },
    );
    const [l, i] = [await lsps(), await ifaces()];
    for (const keep of [otherHost, 'foreign-lsp', alive]) assert.ok(l.includes(keep), `${keep} must stay`);
    assert.ok(i.includes('foreign0'));
    assert.ok(i.includes(`ovn${alive.slice(0, 12)}`), 'the live endpoint keeps its port');
    // Each log line follows its removal by a moment.
    await waitFor(
      () =>
        /reconciler removed an OVS port whose endpoint is gone/.test(driver.logs) &&
        /reconciler removed an endpoint dockerd no longer knows/.test(driver.logs),
      { timeoutMs: 5_000, what: "the reconciler's log lines" },
    );
    await waitFor(async () => !(await links()).includes(`ovn${unjoined.slice(0, 12)}`), {
      timeoutMs: 5_000,
      intervalMs: 100,
      what: 'the unjoined endpoint’s veth to go',
    });

    await stack.vsctl('del-port', stack.bridge, 'foreign0');
    await stack.nbctl('lsp-del', 'foreign-lsp');
    await stack.nbctl('lsp-del', otherHost);
    await driver.post('/NetworkDriver.Leave', { NetworkID: net, EndpointID: alive });
    await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: alive });
  });

  it("plugs a running container's veth back when its OVS port goes, and keeps one whose logical port goes", async () => {
    // Two joined endpoints whose peers are inside a sandbox, as dockerd moves them at Join.
    const [plugged, stranded] = [id(), id()];
    const ns = sandboxes[1]!;
    for (const [ep, ip] of [
      [plugged, '10.95.0.30'],
      [stranded, '10.95.0.31'],
    ] as const) {
      await endpoint(ep, ip, sandboxKey(ns));
      await run('ip', ['link', 'set', `ovc${ep.slice(0, 12)}`, 'netns', ns]);
    }
    const [pluggedVeth, strandedVeth] = [`ovn${plugged.slice(0, 12)}`, `ovn${stranded.slice(0, 12)}`];
    // br-int losing the port (ovs-vsctl del-br br-int, an Open_vSwitch DB reset), and NB losing the other's row.
    await stack.vsctl('del-port', stack.bridge, pluggedVeth);
    await stack.nbctl('lsp-del', stranded);

    const ifaceKey = async (key: string) =>
      (await stack.vsctl('get', 'Interface', pluggedVeth, `external_ids:${key}`).catch(() => '')).trim().replace(/^"|"$/g, '');
    await waitFor(async () => (await ifaceKey('ovn-installed')) === 'true', {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: 'the reconciler to plug the veth back and ovn-controller to bind it',
    });
    assert.equal(await ifaceKey('iface-id'), plugged);
    assert.match(driver.logs, /reconciler plugged the veth of a running container back into/);
    await waitFor(() => /has no logical port in NB .*: kept/.test(driver.logs), { timeoutMs: 5_000, what: 'the stranded warning' });
    // Passes went by (1 s apart): both veths and the stranded one's OVS port are still there.
    await new Promise((r) => setTimeout(r, 3_000));
    const [i, h] = [await ifaces(), await links()];
    for (const veth of [pluggedVeth, strandedVeth]) assert.ok(h.includes(veth), `${veth} stays`);
    assert.ok(i.includes(strandedVeth), "the stranded veth's OVS port stays");
    assert.equal((driver.logs.match(/has no logical port in NB/g) ?? []).length, 1, 'warned once');

    for (const ep of [plugged, stranded]) {
      assert.equal((await driver.post('/NetworkDriver.Leave', { NetworkID: net, EndpointID: ep })).status, 200);
      assert.equal((await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep })).status, 200);
    }
    await waitFor(async () => !(await links()).some((l) => l === pluggedVeth || l === strandedVeth), {
      timeoutMs: 5_000,
      intervalMs: 100,
      what: 'Leave to take both veths',
    });
    const [l, i2] = [await lsps(), await ifaces()];
    assert.ok(!l.includes(plugged) && !i2.includes(pluggedVeth) && !i2.includes(strandedVeth));
  });

  it('adopts an endpoint created before a restart: Join finds its host side, the reconciler leaves it', async () => {
    const ep = id();
    const veth = `ovn${ep.slice(0, 12)}`;
    await endpoint(ep, '10.95.0.20', undefined);
    const ifindex = async () =>
      (await stack.links())
        .split('\n')
        .find((l) => l.includes(`${veth}@`))
        ?.split(':')[0];
    const before = await ifindex();
    assert.ok(before, 'CreateEndpoint made the veth');
    const ifaceKey = async (key: string) =>
      (await stack.vsctl('get', 'Interface', veth, `external_ids:${key}`)).trim().replace(/^"|"$/g, '');
    assert.equal(await ifaceKey('iface-id'), ep);

    await driver.stop();
    driver = await DriverProcess.start({ stack, env: { OVN_DRIVER_RECONCILE_INTERVAL_S: '1' } });
    const j = await driver.post('/NetworkDriver.Join', {
      NetworkID: net,
      EndpointID: ep,
      SandboxKey: sandboxKey(sandboxes[1]!),
      Options: {},
    });
    assert.equal(j.status, 200, j.raw);
    assert.equal(await ifindex(), before, 'Join used the veth CreateEndpoint made');
    assert.equal(await ifaceKey('docker-ovn\\:sandbox-key'), sandboxKey(sandboxes[1]!));
    assert.equal(await ifaceKey('ovn-installed'), 'true');
    // Three passes of the reconciler (1 s apart): a joined endpoint is not a leftover.
    await new Promise((r) => setTimeout(r, 3_500));
    assert.ok((await lsps()).includes(ep));
    assert.ok((await ifaces()).includes(veth));

    assert.equal((await driver.post('/NetworkDriver.Leave', { NetworkID: net, EndpointID: ep })).status, 200);
    assert.equal((await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep })).status, 200);
    assert.ok(!(await lsps()).includes(ep));
    assert.ok(!(await ifaces()).includes(veth));
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net })).status, 200);
  });

  it('removes a network of this host that dockerd no longer has once it has no endpoint', async () => {
    // What `docker network rm` leaves when the driver cannot answer: dockerd forgets the network anyway.
    const removed = id();
    await createNetwork(removed, '10.94.0.0/24');
    const switches = async () => (await stack.nbctl('--bare', '--columns=name', 'list', 'Logical_Switch')).split(/\s+/).filter(Boolean);
    const routerPorts = async () => (await stack.nbctl('--bare', '--columns=name', 'list', 'Logical_Router_Port')).split(/\s+/);
    assert.ok((await switches()).some((s) => s.includes('10.94.0.0_24')));
    await waitFor(async () => !(await switches()).some((s) => s.includes('10.94.0.0_24')), {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'the reconciler to remove the network dockerd does not have',
    });
    assert.ok(!(await routerPorts()).some((p) => p.includes('10.94.0.0_24')), 'its gateway port on the vrf router went with it');
    await waitFor(() => /reconciler removed a network dockerd no longer has/.test(driver.logs), {
      timeoutMs: 5_000,
      what: 'its log line, a moment after the removal',
    });
    // dockerd may still send its DeleteNetwork: a network already gone is a no-op.
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: removed })).status, 200);
  });

  it('gives the OVN IPAM address of an endpoint it removes back to its pool', async () => {
    const ipam = async (verb: string, body: unknown) => {
      const r = await driver.post(`/IpamDriver.${verb}`, body);
      assert.equal(r.status, 200, `${verb}: ${r.raw}`);
      return r.body as { PoolID: string; Address: string };
    };
    const { PoolID } = await ipam('RequestPool', { AddressSpace: 'ovn-local', Pool: '10.93.0.0/24', SubPool: '', Options: {}, V6: false });
    const gateway = await ipam('RequestAddress', { PoolID, Address: '', Options: { RequestAddressType: 'com.docker.network.gateway' } });
    const ipamNet = id();
    const created = await driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: ipamNet,
      Options: {},
      IPv4Data: [{ AddressSpace: 'ovn-local', Pool: '10.93.0.0/24', Gateway: gateway.Address }],
      IPv6Data: [],
    });
    assert.equal(created.status, 200, created.raw);
    const { Address } = await ipam('RequestAddress', { PoolID, Address: '', Options: {} });
    // An endpoint whose container went while the driver could not answer Leave, DeleteEndpoint nor ReleaseAddress.
    const ep = id();
    const c = await driver.post('/NetworkDriver.CreateEndpoint', {
      NetworkID: ipamNet,
      EndpointID: ep,
      Interface: { Address, AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
    assert.equal(c.status, 200, c.raw);
    const j = await driver.post('/NetworkDriver.Join', {
      NetworkID: ipamNet,
      EndpointID: ep,
      SandboxKey: '/var/run/docker/netns/gone',
      Options: {},
    });
    assert.equal(j.status, 200, j.raw);
    // Its log line comes once the address is back, after the port went: wait for the line, not the port.
    const released = new RegExp(`"released":\\["${Address.split('/')[0]!.replace(/\./g, '\\.')}"\\]`);
    await waitFor(() => released.test(driver.logs), {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'the reconciler to remove the endpoint and give its address back',
    });
    assert.ok(!(await lsps()).includes(ep));
    // Free again: asked for by name, as `docker run --ip` does, it is handed out.
    const again = await ipam('RequestAddress', { PoolID, Address: Address.split('/')[0], Options: {} });
    assert.equal(again.Address, Address);
    await ipam('ReleaseAddress', { PoolID, Address: Address.split('/')[0] });
    await ipam('ReleaseAddress', { PoolID, Address: gateway.Address.split('/')[0] });
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: ipamNet })).status, 200);
    await ipam('ReleasePool', { PoolID });
  });
});
