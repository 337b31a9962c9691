import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../config/load-config';
import { DriverError } from '../../protocol/errors';
import { LinkOps } from '../host/link-ops';
import { SandboxRouteOps, type SandboxState } from '../host/sandbox-route-ops';
import { LocalSwitchRepository, type AttachSpec } from '../ovn/local-switch.repository';
import { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord, NetworkRecord, PortRecord } from '../ovn/ovn.model';
import { VerbActivity } from './verb-activity';
import { EndpointService } from './endpoint.service';
import { vethNames } from './interface-names';
import { SandboxRoutesService } from './sandbox-routes.service';
import { withDeadline } from '../../core/verb-deadline';

const NET = 'a'.repeat(64);
const EP = 'b'.repeat(64);
const SANDBOX = '/var/run/docker/netns/0123456789ab';
const NAMES = vethNames(EP);
const network: NetworkRecord = {
  networkId: NET,
  vrf: 'default',
  switchName: 'ls',
  switchUuid: 'u-ls',
  subnet: '10.0.0.0/24',
  mtu: 1400,
  internal: false,
  ingress: 'open',
  isolated: false,
  dockerIpam: false,
};
const endpoint: EndpointRecord = {
  endpointId: EP,
  networkId: NET,
  lspName: EP,
  lspUuid: 'u-lsp',
  mac: '02:00:0a:00:00:02',
  address: '10.0.0.2/24',
};

/** Every NB, host and OVS step, in order, as `step:argument`. */
type Log = string[];

/** NB as the endpoint verbs read it: one network, one endpoint; writes are recorded and can be made to fail. */
class FakeNorthbound extends NorthboundRepository {
  fail: { create?: Error } = {};
  /** The network's -o mtu (the fixture's 1400 unless a test says otherwise). */
  mtu: number | undefined = network.mtu;
  constructor(private readonly log: Log) {
    super();
  }
  ensureNetwork(): Promise<NetworkRecord> {
    throw new Error('not used by the endpoint verbs');
  }
  removeNetwork(): Promise<string[]> {
    throw new Error('not used by the endpoint verbs');
  }
  findNetwork(id: string): NetworkRecord | undefined {
    return id === NET ? { ...network, mtu: this.mtu } : undefined;
  }
  async createEndpoint(spec: { endpointId: string }): Promise<EndpointRecord> {
    this.log.push(`nb.createEndpoint:${spec.endpointId.slice(0, 4)}`);
    if (this.fail.create) throw this.fail.create;
    return endpoint;
  }
  async deleteEndpoint(id: string): Promise<void> {
    this.log.push(`nb.deleteEndpoint:${id.slice(0, 4)}`);
  }
  async exposePorts(id: string, ports: { proto: string; port: number }[]): Promise<void> {
    this.log.push(`nb.exposePorts:${id.slice(0, 4)}:${ports.map((p) => `${p.port}/${p.proto}`).join(',')}`);
  }
  findEndpoint(id: string): EndpointRecord | undefined {
    return id === EP ? endpoint : undefined;
  }
  endpointsOn(): EndpointRecord[] {
    return [];
  }
  networksOn(): { network: NetworkRecord; endpoints: number }[] {
    return [];
  }
  /** Other endpoints holding the new endpoint's address, as endpointsHolding finds them. */
  holders: EndpointRecord[] = [];
  endpointsHolding(): EndpointRecord[] {
    return this.holders;
  }
  addressHeld(): boolean {
    return false;
  }
  vrfSubnets(): { subnet?: string; subnet6?: string }[] {
    return [{ subnet: network.subnet }];
  }
  onVrfChange(): void {}
}

/** The local OVS DB, holding the ports it was given; each step can be made to fail. */
class FakeLocalSwitch extends LocalSwitchRepository {
  fail: { attach?: Error; install?: Error; detach?: Error; sandbox?: Error } = {};
  /** waitInstalled never resolves: ovn-controller away. */
  hang = false;
  readonly ports = new Map<string, PortRecord>();
  datapath = '';
  encap?: { types: string; ip: string };
  constructor(private readonly log: Log) {
    super();
  }
  chassis(): string {
    return 'chassis-1';
  }
  hostChassis(): string {
    return 'chassis-1';
  }
  encapsulation(): { types: string; ip: string } | undefined {
    return this.encap;
  }
  datapathType(bridge: string): string | undefined {
    return bridge === 'br-test' ? this.datapath : undefined;
  }
  async attachPort(spec: AttachSpec): Promise<void> {
    this.log.push(`ovs.attachPort:${spec.portName}${spec.sandboxKey ? `,${spec.sandboxKey}` : ''}`);
    if (this.fail.attach) throw this.fail.attach;
    this.ports.set(spec.ifaceId, {
      portName: spec.portName,
      ifaceId: spec.ifaceId,
      ofport: 1,
      installed: false,
      sandboxKey: spec.sandboxKey,
    });
  }
  async detachPort(ifaceId: string): Promise<void> {
    this.log.push(`ovs.detachPort:${ifaceId.slice(0, 4)}`);
    if (this.fail.detach) throw this.fail.detach;
    this.ports.delete(ifaceId);
  }
  async setSandbox(ifaceId: string, sandbox: { id: string; key: string } | undefined): Promise<void> {
    this.log.push(`ovs.setSandbox:${ifaceId.slice(0, 4)},${sandbox?.key}`);
    if (this.fail.sandbox) throw this.fail.sandbox;
  }
  findPort(ifaceId: string): PortRecord | undefined {
    return this.ports.get(ifaceId);
  }
  ownedPorts(): PortRecord[] {
    return [...this.ports.values()];
  }
  /** The bound of the last wait. */
  waitedMs?: number;
  async waitInstalled(ifaceId: string, timeoutMs: number): Promise<void> {
    this.log.push(`ovs.waitInstalled:${ifaceId.slice(0, 4)}`);
    this.waitedMs = timeoutMs;
    if (this.hang) await new Promise(() => undefined);
    if (this.fail.install) throw this.fail.install;
  }
}

class FakeLinks extends LinkOps {
  fail: { create?: Error; retire?: Error; txChecksum?: Error } = {};
  /** The host's links by the address they hold. */
  readonly holding = new Map<string, { name: string; mtu: number }>();
  constructor(private readonly log: Log) {
    super();
  }
  linkHolding(address: string): { name: string; mtu: number } | undefined {
    return this.holding.get(address);
  }
  async createVethPair(host: string, peer: string, opts: { mtu?: number; peerMac?: string }): Promise<void> {
    this.log.push(`links.createVethPair:${host},${peer},mtu=${opts.mtu},${opts.peerMac}`);
    if (this.fail.create) throw this.fail.create;
  }
  async disableTxChecksum(name: string): Promise<void> {
    this.log.push(`links.disableTxChecksum:${name}`);
    if (this.fail.txChecksum) throw this.fail.txChecksum;
  }
  async retireLink(name: string): Promise<void> {
    this.log.push(`links.retireLink:${name}`);
    if (this.fail.retire) throw this.fail.retire;
  }
  /** The host's link names. */
  readonly names: string[] = [];
  async listLinks(): Promise<string[]> {
    return this.names;
  }
}

/** A container alone in its vrf: the route keeper has nothing to do, and must not be asked to. */
class NoSandboxRoutes extends SandboxRouteOps {
  read(): Promise<SandboxState | undefined> {
    throw new Error('a lone container needs no sandbox routes');
  }
  apply(): Promise<void> {
    throw new Error('a lone container needs no sandbox routes');
  }
}

function setup(joinTimeoutMs = 1000) {
  const log: Log = [];
  const nb = new FakeNorthbound(log);
  const ovs = new FakeLocalSwitch(log);
  const links = new FakeLinks(log);
  const config = loadConfig({ OVN_DRIVER_JOIN_TIMEOUT_MS: String(joinTimeoutMs), OVN_DRIVER_BRIDGE: 'br-test' });
  const routes = new SandboxRoutesService(nb, ovs, new NoSandboxRoutes(), links);
  const service = new EndpointService(config, nb, ovs, links, new VerbActivity(), routes);
  const create = () => service.createEndpoint({ NetworkID: NET, EndpointID: EP, Interface: { Address: endpoint.address }, Options: null });
  const join = () => service.join({ NetworkID: NET, EndpointID: EP, SandboxKey: SANDBOX, Options: null });
  /** The state CreateEndpoint leaves: the port on br-int without a sandbox; the log starts after it. */
  const created = async () => {
    await create();
    log.length = 0;
  };
  return { log, nb, ovs, links, service, create, join, created, routes };
}

const VETH = `links.createVethPair:${NAMES.host},${NAMES.peer},mtu=1400,${endpoint.mac}`;
const UNDO = [`ovs.detachPort:${EP.slice(0, 4)}`, `links.retireLink:${NAMES.host}`];

describe(EndpointService.name, () => {
  describe('CreateEndpoint', () => {
    it('makes the logical port and the host side (veth, OVS port with no sandbox yet), and answers the MAC', async () => {
      const { log, create } = setup();
      assert.deepEqual(await create(), { Interface: { MacAddress: endpoint.mac } });
      assert.deepEqual(log, [`nb.createEndpoint:${EP.slice(0, 4)}`, VETH, `ovs.attachPort:${NAMES.host}`]);
    });

    it("on OVS's userspace datapath (netdev) turns tx checksum offload off on the container end before the OVS port", async () => {
      const { log, ovs, create } = setup();
      ovs.datapath = 'netdev';
      await create();
      assert.deepEqual(log, [
        `nb.createEndpoint:${EP.slice(0, 4)}`,
        VETH,
        `links.disableTxChecksum:${NAMES.peer}`,
        `ovs.attachPort:${NAMES.host}`,
      ]);
    });

    it('gives a network without -o mtu what the Geneve tunnel leaves of the underlay, and 1500 without a tunnel', async () => {
      const veth = (mtu: number) => `links.createVethPair:${NAMES.host},${NAMES.peer},mtu=${mtu},${endpoint.mac}`;
      const run = async (encap: { types: string; ip: string } | undefined, mtu: number | undefined) => {
        const { log, nb, ovs, links, create } = setup();
        nb.mtu = mtu;
        ovs.encap = encap;
        links.holding.set('192.0.2.10', { name: 'eth1', mtu: 1500 });
        links.holding.set('127.0.0.1', { name: 'lo', mtu: 65536 });
        await create();
        return log.find((step) => step.startsWith('links.createVethPair'));
      };
      assert.equal(await run({ types: 'geneve', ip: '192.0.2.10' }, undefined), veth(1442));
      assert.equal(await run({ types: 'geneve', ip: '192.0.2.10' }, 1400), veth(1400), '-o mtu wins');
      assert.equal(await run({ types: 'geneve', ip: '127.0.0.1' }, undefined), veth(1500), 'one host, loopback tunnel');
      assert.equal(await run(undefined, undefined), veth(1500), 'no tunnel configured');
      assert.equal(await run({ types: 'geneve', ip: '198.51.100.1' }, undefined), veth(1500), 'no link holds the address');
    });

    it('on the kernel datapath ("system") leaves checksum offload alone', async () => {
      const { log, ovs, create } = setup();
      ovs.datapath = 'system';
      await create();
      assert.ok(!log.some((step) => step.startsWith('links.disableTxChecksum')));
    });

    it('removes the logical port and the veth when checksum offload cannot be turned off, and answers with that failure', async () => {
      const { log, ovs, links, create } = setup();
      ovs.datapath = 'netdev';
      links.fail.txChecksum = new DriverError('HOST_LINK_FAILED', 'turning off tx checksum offload: EPERM');
      await assert.rejects(create(), (e: Error) => e === links.fail.txChecksum);
      // The OVS port is added beside the checksum request, and goes with the rest.
      assert.deepEqual(log.slice(3), [`ovs.attachPort:${NAMES.host}`, ...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
      assert.equal(ovs.ports.size, 0);
    });

    it('removes the logical port and the veth when the OVS port cannot be made, and answers with that failure', async () => {
      const { log, ovs, create } = setup();
      ovs.fail.attach = new DriverError('OVS_ATTACH_FAILED', 'bridge br-test does not exist');
      await assert.rejects(create(), (e: Error) => e === ovs.fail.attach);
      assert.deepEqual(log.slice(3), [...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
    });

    it('removes the host side when NB refuses the logical port (dockerd sends no DeleteEndpoint after this)', async () => {
      const { log, nb, ovs, create } = setup();
      nb.fail.create = new DriverError('ADDRESS_IN_USE', 'taken');
      await assert.rejects(create(), (e: Error) => e === nb.fail.create);
      assert.deepEqual(log.slice(-3), [...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
      assert.equal(ovs.ports.size, 0);
    });
  });

  describe('CreateEndpoint, its address held by another endpoint', () => {
    const OLD = 'c'.repeat(64);
    const holder: EndpointRecord = { ...endpoint, endpointId: OLD, lspName: OLD, lspUuid: 'u-old', chassis: 'chassis-1' };
    const OLD_GONE = [
      `ovs.detachPort:${OLD.slice(0, 4)}`,
      `links.retireLink:${vethNames(OLD).host}`,
      `nb.deleteEndpoint:${OLD.slice(0, 4)}`,
    ];

    it("removes this host's endpoint whose veth and sandbox are gone (a power loss) before making the new one", async () => {
      const port = (ofport: number) => ({ portName: vethNames(OLD).host, ifaceId: OLD, ofport, installed: true, sandboxKey: SANDBOX });
      for (const [what, left] of [
        ['no OVS port', undefined],
        ['OVS port, ofport -1', port(-1)],
        ['OVS port, no veth in the kernel', port(7)],
      ] as const) {
        const { log, nb, ovs, create } = setup();
        nb.holders = [holder];
        if (left) ovs.ports.set(OLD, left);
        await create();
        assert.deepEqual(log.slice(0, 4), [...OLD_GONE, `nb.createEndpoint:${EP.slice(0, 4)}`], what);
        assert.equal(ovs.ports.has(OLD), false, what);
      }
    });

    it("leaves a live endpoint (its veth in OVS), another host's, and one with a verb just now to NB's refusal", async () => {
      const cases: [string, (t: ReturnType<typeof setup>) => unknown][] = [
        [
          'veth in OVS',
          ({ ovs, links }) => {
            ovs.ports.set(OLD, { portName: vethNames(OLD).host, ifaceId: OLD, ofport: 7, installed: true });
            links.names.push(vethNames(OLD).host);
          },
        ],
        ['another host', ({ nb }) => (nb.holders = [{ ...holder, chassis: 'chassis-2' }])],
        ['a verb just now (Leave, its DeleteEndpoint to come)', ({ service }) => service.leave(OLD)],
      ];
      for (const [what, arrange] of cases) {
        const t = setup();
        t.nb.holders = [holder];
        await arrange(t);
        t.log.length = 0;
        await t.create();
        assert.ok(!t.log.includes(`nb.deleteEndpoint:${OLD.slice(0, 4)}`), what);
        assert.equal(t.log[0], `nb.createEndpoint:${EP.slice(0, 4)}`, what);
      }
    });
  });

  describe('Join', () => {
    it("records the sandbox on CreateEndpoint's port and waits for ovn-controller, then names the interface", async () => {
      const { log, join, created } = setup();
      await created();
      assert.deepEqual(await join(), { InterfaceName: { SrcName: NAMES.peer, DstPrefix: 'eth' } });
      assert.deepEqual(log, [`ovs.setSandbox:${EP.slice(0, 4)},${SANDBOX}`, `ovs.waitInstalled:${EP.slice(0, 4)}`]);
    });

    it('makes the host side when CreateEndpoint left none (an endpoint made by an earlier version, a Join after Leave)', async () => {
      const { log, join } = setup();
      await join();
      assert.deepEqual(log, [VETH, `ovs.attachPort:${NAMES.host},${SANDBOX}`, `ovs.waitInstalled:${EP.slice(0, 4)}`]);
    });

    it("hands the container's exposed ports, which every Join carries, to its policy", async () => {
      const { log, service, created } = setup();
      await created();
      const exposed = [
        { Proto: 6, Port: 8080 },
        { Proto: 17, Port: 53 },
      ];
      const options = { 'com.docker.network.endpoint.exposedports': exposed, 'com.docker.network.portmap': [] };
      await service.join({ NetworkID: NET, EndpointID: EP, SandboxKey: SANDBOX, Options: options });
      assert.ok(log.includes(`nb.exposePorts:${EP.slice(0, 4)}:8080/tcp,53/udp`), log.join('\n'));
    });

    it('does not wait for ovn-controller when the join timeout is 0', async () => {
      const { log, join, created } = setup(0);
      await created();
      await join();
      assert.ok(!log.some((l) => l.startsWith('ovs.waitInstalled')), log.join('\n'));
    });

    it('rolls back when ovn-controller does not install the port in time, and says so', async () => {
      const { log, ovs, join, created } = setup();
      await created();
      ovs.fail.install = new Error('timed out');
      await assert.rejects(
        join(),
        (e: Error) => e instanceof DriverError && e.code === 'DATAPLANE_TIMEOUT' && /within 1000 ms/.test(e.message),
      );
      assert.deepEqual(log.slice(-2), UNDO);
    });

    it('joins when the look into the sandbox before it fails (an `ip` timing out on a busy host)', async () => {
      const { log, join, created, routes } = setup();
      await created();
      routes.beforeJoin = () => Promise.reject(new Error('ip timed out'));
      const warn = mock.method(Logger.prototype, 'warn', () => undefined);
      try {
        assert.deepEqual(await join(), { InterfaceName: { SrcName: NAMES.peer, DstPrefix: 'eth' } });
        assert.match(String(warn.mock.calls[0]?.arguments[0]), /before Join of b+: ip timed out/);
      } finally {
        warn.mock.restore();
      }
      assert.ok(log.some((l) => l.startsWith('ovs.waitInstalled')));
    });

    it('answers a failed write at once, not after the wait for ovn-controller', { timeout: 5_000 }, async () => {
      const { log, ovs, join, created } = setup(20_000);
      await created();
      ovs.hang = true;
      ovs.fail.sandbox = new Error('OVS DB went away');
      await assert.rejects(join(), /OVS DB went away/);
      assert.deepEqual(log.slice(-2), UNDO);
    });

    it("has the sandbox's routes made again after a failed Join (beforeJoin may have taken one to this network)", async () => {
      const { ovs, join, created, routes } = setup();
      await created();
      const synced: [string | undefined, string[] | undefined][] = [];
      routes.afterLeave = (key, left) => void synced.push([key, left]);
      ovs.fail.install = new Error('timed out');
      await assert.rejects(join());
      assert.deepEqual(synced, [[SANDBOX, [network.subnet]]]);
    });

    it('waits for ovn-controller only as long as the call has left of its budget, and says so', async () => {
      const { ovs, join, created } = setup();
      await created();
      ovs.fail.install = new Error('timed out');
      // A Join that arrived 24.9 s ago (held at start-up, say): 100 ms of its 25 s are left, not the 1000 ms.
      await assert.rejects(
        withDeadline(Date.now() + 100, join),
        (e: Error) =>
          e instanceof DriverError &&
          e.code === 'DATAPLANE_TIMEOUT' &&
          /within \d+ ms \(what was left of the call's 25000 ms\)/.test(e.message),
      );
      assert.ok(ovs.waitedMs! <= 100, `waited up to ${ovs.waitedMs} ms`);
      // None left: it still looks once, with a bound (0 would be none).
      await assert.rejects(withDeadline(Date.now() - 1, join), /within 1 ms/);
      assert.equal(ovs.waitedMs, 1);
    });

    it("answers with Join's own failure when the rollback fails too, having tried every undo step", async () => {
      const { log, ovs, links, join } = setup();
      ovs.fail.attach = new Error('attach failed');
      ovs.fail.detach = new Error('detach failed');
      links.fail.retire = new Error('retire failed');
      await assert.rejects(join(), /^Error: attach failed$/);
      assert.deepEqual(log.slice(-2), UNDO);
    });

    it('plugs nothing into OVS when the veth cannot be made', async () => {
      const { log, links, join } = setup();
      links.fail.create = new Error('EEXIST');
      await assert.rejects(join(), /EEXIST/);
      assert.deepEqual(log.slice(0, 1), [VETH]);
      assert.ok(!log.some((l) => l.startsWith('ovs.attachPort')), log.join('\n'));
    });

    it('changes nothing on the host for an endpoint NB does not know', async () => {
      const { log, service } = setup();
      await assert.rejects(
        service.join({ NetworkID: NET, EndpointID: 'c'.repeat(64), SandboxKey: SANDBOX, Options: null }),
        (e: Error) => e instanceof DriverError && e.code === 'ENDPOINT_NOT_FOUND',
      );
      assert.deepEqual(log, []);
    });
  });

  describe('DeleteEndpoint (after Leave, after a failed Join, or with no Join at all)', () => {
    it('cleans the host, then removes the logical port', async () => {
      const { log, service, created } = setup();
      await created();
      await service.deleteEndpoint(EP);
      assert.deepEqual(log, [...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
    });

    it('removes the logical port even when the host cannot be cleaned now, and reports the host failure', async () => {
      const { log, ovs, service, created } = setup();
      await created();
      ovs.fail.detach = new Error('local OVS DB down');
      await assert.rejects(service.deleteEndpoint(EP), /local OVS DB down/);
      assert.deepEqual(log, [...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
    });
  });
});
