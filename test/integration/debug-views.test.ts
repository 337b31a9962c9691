/**
 * The seed's debug endpoints on the HTTP listener: /NetworkDriver.Database and the bridge view show what
 * NB and OVS hold for the driver's networks and endpoints; the plugin socket does not serve them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DriverProcess } from '../harness/driver-process';
import { freePort, Stack, waitFor } from '../harness/stack';

const id = () => randomBytes(32).toString('hex');

function get(opts: { port?: number; socketPath?: string }, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', ...opts, path, method: 'GET' }, (res) => {
      let raw = '';
      res.on('data', (c) => (raw += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(raw) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('debug views', () => {
  let stack: Stack;
  let driver: DriverProcess;
  let port: number;

  before(async () => {
    stack = await Stack.up();
    port = await freePort();
    driver = await DriverProcess.start({ stack, env: { OVN_DRIVER_PORT: String(port) } });
  });

  after(async () => {
    await driver?.stop();
    await stack?.down();
  });

  it('shows networks, endpoints and their OVN/OVS objects, on HTTP only', async () => {
    const net = id();
    const ep = id();
    assert.equal(
      (
        await driver.post('/NetworkDriver.CreateNetwork', {
          NetworkID: net,
          Options: { 'com.docker.network.generic': { vrf: 'dbg' } },
          IPv4Data: [{ Pool: '10.99.0.0/24', Gateway: '10.99.0.1/24' }],
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await driver.post('/NetworkDriver.CreateEndpoint', {
          NetworkID: net,
          EndpointID: ep,
          Interface: { Address: '10.99.0.5/24', MacAddress: '02:00:00:00:00:05' },
        })
      ).status,
      200,
    );
    assert.equal(
      (await driver.post('/NetworkDriver.Join', { NetworkID: net, EndpointID: ep, SandboxKey: '/var/run/docker/netns/dbg' })).status,
      200,
    );

    const db = await get({ port }, '/NetworkDriver.Database');
    assert.equal(db.status, 200);
    const body = db.body as {
      Chassis: string;
      Networks: {
        NetworkID: string;
        Vrf: string;
        LogicalSwitch: { Name: string };
        Endpoints: { EndpointID: string; Address: string; OvsInterface: { Name: string; OvnInstalled: boolean } }[];
      }[];
      Routers: { Name: string }[];
    };
    assert.equal(body.Chassis, stack.chassis);
    const n = body.Networks.find((x) => x.NetworkID === net);
    assert.ok(n);
    assert.equal(n.Vrf, 'dbg');
    assert.equal(n.LogicalSwitch.Name, 'docker-dbg-10.99.0.0_24');
    assert.equal(n.Endpoints[0].EndpointID, ep);
    assert.equal(n.Endpoints[0].Address, '10.99.0.5/24');
    assert.deepEqual(n.Endpoints[0].OvsInterface.Name, `ovn${ep.slice(0, 12)}`);
    assert.equal(n.Endpoints[0].OvsInterface.OvnInstalled, true);
    assert.deepEqual(
      body.Routers.map((r) => r.Name),
      ['docker-vrf-dbg'],
    );

    const bridge = await get({ port }, '/debug/bridge');
    const ports = (bridge.body as { Ports: { Name: string; Interfaces: { ExternalIds: Record<string, string> }[] }[] }).Ports;
    assert.equal(ports.find((p) => p.Name === `ovn${ep.slice(0, 12)}`)?.Interfaces[0].ExternalIds['iface-id'], ep);

    for (const path of ['/NetworkDriver.Database', '/debug/bridge'])
      assert.equal((await get({ socketPath: driver.socket }, path)).status, 404);

    await driver.post('/NetworkDriver.Leave', { NetworkID: net, EndpointID: ep });
    await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep });
    await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net });
    const { Host, ...rest } = (await get({ port }, '/NetworkDriver.Database')).body as { Host: { SystemId?: string; EncapType?: string } };
    assert.deepEqual(rest, { Chassis: stack.chassis, Networks: [], Routers: [], Pools: [] });
    // What `docker-ovn-driver doctor` reads: the chassis settings of this host's Open vSwitch.
    assert.equal(Host.SystemId, stack.chassis);
    assert.equal(Host.EncapType, 'geneve');
  });

  it("shows each network's ingress and isolation and each endpoint's policy, read back from NB", async () => {
    const net = id();
    const [web, locked] = [id(), id()];
    const create = {
      NetworkID: net,
      Options: { 'com.docker.network.generic': { ingress: 'exposed' } },
      IPv4Data: [{ Pool: '10.98.7.0/24', Gateway: '10.98.7.1/24' }],
    };
    assert.equal((await driver.post('/NetworkDriver.CreateNetwork', create)).status, 200);
    const exposed = {
      'com.docker.network.endpoint.exposedports': [
        { Proto: 6, Port: 80 },
        { Proto: 17, Port: 53 },
      ],
    };
    const ep = (EndpointID: string, ip: string, Options: Record<string, unknown>) =>
      driver.post('/NetworkDriver.CreateEndpoint', { NetworkID: net, EndpointID, Interface: { Address: ip }, Options });
    assert.equal((await ep(web, '10.98.7.5/24', exposed)).status, 200);
    assert.equal((await ep(locked, '10.98.7.6/24', { ...exposed, ingress: 'closed' })).status, 200);
    const refused = await ep(id(), '10.98.7.7/24', { ingres: 'closed' });
    assert.equal(refused.status, 400);
    assert.match(refused.raw, /unknown endpoint driver option \\"ingres\\"/);

    type Policy = { Ingress: string; Ports?: string[]; Acl?: { Name: string; Match: string; Action: string } };
    type Net = {
      NetworkID: string;
      Ingress: string;
      Isolated: boolean;
      PortGroup: { Name: string; Ports: number; Acls: number; Meter: string };
      Endpoints: { EndpointID: string; Policy: Policy }[];
    };
    const n = ((await get({ port }, '/NetworkDriver.Database')).body as { Networks: Net[] }).Networks.find((x) => x.NetworkID === net);
    assert.ok(n);
    assert.equal(n.Ingress, 'exposed');
    assert.equal(n.Isolated, true, 'no -o vrf: isolated');
    assert.deepEqual(n.PortGroup, {
      Name: `docker_${net}`,
      UUID: (n.PortGroup as unknown as { UUID: string }).UUID,
      Ports: 2,
      Acls: 3,
      Meter: `docker-acl-${net}`,
    });
    const policy = (e: string) => n.Endpoints.find((x) => x.EndpointID === e)?.Policy;
    assert.deepEqual(policy(web), {
      Ingress: 'exposed',
      Ports: ['80/tcp', '53/udp'],
      From: [],
      Acl: {
        Name: `docker-allow-${web.slice(0, 12)}`,
        Match: `outport == "${web}" && (tcp.dst == {80} || udp.dst == {53} || icmp4.type == 8 || icmp6.type == 128)`,
        Action: 'allow-related',
        Priority: 1001,
      },
    });
    assert.deepEqual(policy(locked), { Ingress: 'closed', Ports: [], From: [] }, 'no allow ACL at all');

    const metrics = async () => {
      const text = await new Promise<string>((resolve, reject) =>
        request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
          let raw = '';
          res.on('data', (c) => (raw += c));
          res.on('end', () => resolve(raw));
        })
          .on('error', reject)
          .end(),
      );
      return Object.fromEntries(
        [...text.matchAll(/^docker_ovn_driver_policy_objects\{kind="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
      );
    };
    // The group's deny and track ACLs, and web's allow.
    assert.deepEqual(await metrics(), { port_group: 1, acl: 3, meter: 1, router_policy: 1 });
    // A group as a release without the track ACL left it: a restarted driver gives it one.
    const track = (await stack.nbctl('--bare', '--columns=_uuid', 'find', 'ACL', `name=docker-track-${net.slice(0, 12)}`)).trim();
    await stack.nbctl('remove', 'Port_Group', `docker_${net}`, 'acls', track);
    await waitFor(async () => (await metrics()).acl === 2, { what: 'the track ACL gone from the group' });
    await driver.stop();
    await driver.spawn();
    await waitFor(async () => (await get({ port }, '/readyz')).status === 200, { what: 'the restarted driver ready' });
    await waitFor(async () => (await metrics()).acl === 3, { what: "the track ACL back on the group after the driver's start" });
    assert.match(driver.logs, new RegExp(`policy group docker_${net}: track ACL added`));
    assert.equal((await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: web })).status, 200);
    assert.deepEqual(await metrics(), { port_group: 1, acl: 2, meter: 1, router_policy: 1 }, "the endpoint's ACL goes with it");
    assert.equal((await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: locked })).status, 200);
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net })).status, 200);
    assert.deepEqual(await metrics(), { port_group: 0, acl: 0, meter: 0, router_policy: 0 });
    for (const table of ['Port_Group', 'ACL', 'Meter', 'Meter_Band', 'Logical_Router_Policy']) {
      assert.equal(
        (await stack.nbctl('--bare', '--columns=_uuid', 'find', table, 'external_ids:docker-ovn\\:owner=docker-ovn-driver')).trim(),
        '',
        `no ${table} left`,
      );
    }
  });
});
