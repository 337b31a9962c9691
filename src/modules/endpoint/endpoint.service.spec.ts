import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/load-config';
import { DriverError } from '../../protocol/errors';
import { LinkOps } from '../host/link-ops';
import { SandboxRouteOps, type SandboxState } from '../host/sandbox-route-ops';
import { LocalSwitchRepository, type AttachSpec } from '../ovn/local-switch.repository';
import { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord, NetworkRecord, PortRecord } from '../ovn/ovn.model';
import { EndpointActivity } from './endpoint-activity';
import { EndpointService } from './endpoint.service';
import { vethNames } from './interface-names';
import { SandboxRoutesService } from './sandbox-routes.service';

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
};
const endpoint: EndpointRecord = {
  endpointId: EP,
  networkId: NET,
  lspName: EP,
  lspUuid: 'u-lsp',
  mac: '02:00:0a:00:00:02',
  address: '10.0.0.2/24',
};

/** Every host and OVS step, in order, as `step:argument`. */
type Log = string[];

/** NB as Join reads it: one network, one endpoint; deleteEndpoint is recorded. */
class FakeNorthbound extends NorthboundRepository {
  constructor(private readonly log: Log) {
    super();
  }
  ensureNetwork(): Promise<NetworkRecord> {
    throw new Error('not used by Join');
  }
  removeNetwork(): Promise<void> {
    throw new Error('not used by Join');
  }
  findNetwork(id: string): NetworkRecord | undefined {
    return id === NET ? network : undefined;
  }
  createEndpoint(): Promise<EndpointRecord> {
    throw new Error('not used by Join');
  }
  async deleteEndpoint(id: string): Promise<void> {
    this.log.push(`nb.deleteEndpoint:${id.slice(0, 4)}`);
  }
  findEndpoint(id: string): EndpointRecord | undefined {
    return id === EP ? endpoint : undefined;
  }
  endpointsOn(): EndpointRecord[] {
    return [];
  }
  vrfSubnets(): { subnet?: string; subnet6?: string }[] {
    return [{ subnet: network.subnet }];
  }
  onVrfChange(): void {}
}

/** The local OVS DB; each step can be made to fail. */
class FakeLocalSwitch extends LocalSwitchRepository {
  fail: { attach?: Error; install?: Error; detach?: Error } = {};
  constructor(private readonly log: Log) {
    super();
  }
  chassis(): string {
    return 'chassis-1';
  }
  async attachPort(spec: AttachSpec): Promise<void> {
    this.log.push(`ovs.attachPort:${spec.portName}`);
    if (this.fail.attach) throw this.fail.attach;
  }
  async detachPort(ifaceId: string): Promise<void> {
    this.log.push(`ovs.detachPort:${ifaceId.slice(0, 4)}`);
    if (this.fail.detach) throw this.fail.detach;
  }
  findPort(): PortRecord | undefined {
    return undefined;
  }
  ownedPorts(): PortRecord[] {
    return [];
  }
  async waitInstalled(ifaceId: string): Promise<void> {
    this.log.push(`ovs.waitInstalled:${ifaceId.slice(0, 4)}`);
    if (this.fail.install) throw this.fail.install;
  }
}

class FakeLinks extends LinkOps {
  fail: { create?: Error; retire?: Error } = {};
  constructor(private readonly log: Log) {
    super();
  }
  async createVethPair(host: string, peer: string, opts: { mtu?: number; peerMac?: string }): Promise<void> {
    this.log.push(`links.createVethPair:${host},${peer},mtu=${opts.mtu},${opts.peerMac}`);
    if (this.fail.create) throw this.fail.create;
  }
  async retireLink(name: string): Promise<void> {
    this.log.push(`links.retireLink:${name}`);
    if (this.fail.retire) throw this.fail.retire;
  }
  async listLinks(): Promise<string[]> {
    return [];
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
  const service = new EndpointService(
    config,
    nb,
    ovs,
    links,
    new EndpointActivity(),
    new SandboxRoutesService(nb, ovs, new NoSandboxRoutes()),
  );
  const join = () => service.join({ NetworkID: NET, EndpointID: EP, SandboxKey: SANDBOX, Options: null });
  return { log, ovs, links, service, join };
}

const UNDO = [`ovs.detachPort:${EP.slice(0, 4)}`, `links.retireLink:${NAMES.host}`];

describe(EndpointService.name, () => {
  describe('Join', () => {
    it('makes the veth, plugs it into OVS, waits for ovn-controller, then names the interface', async () => {
      const { log, join } = setup();
      assert.deepEqual(await join(), { InterfaceName: { SrcName: NAMES.peer, DstPrefix: 'eth' } });
      assert.deepEqual(log, [
        `links.createVethPair:${NAMES.host},${NAMES.peer},mtu=1400,${endpoint.mac}`,
        `ovs.attachPort:${NAMES.host}`,
        `ovs.waitInstalled:${EP.slice(0, 4)}`,
      ]);
    });

    it('does not wait for ovn-controller when the join timeout is 0', async () => {
      const { log, join } = setup(0);
      await join();
      assert.ok(!log.some((l) => l.startsWith('ovs.waitInstalled')), log.join('\n'));
    });

    it('removes the veth and the OVS port when plugging into OVS fails, and answers with that failure', async () => {
      const { log, ovs, join } = setup();
      ovs.fail.attach = new DriverError('OVS_ATTACH_FAILED', 'bridge br-test does not exist');
      await assert.rejects(join(), (e: Error) => e === ovs.fail.attach);
      assert.deepEqual(log.slice(1), [`ovs.attachPort:${NAMES.host}`, ...UNDO]);
    });

    it('rolls back when ovn-controller does not install the port in time, and says so', async () => {
      const { log, ovs, join } = setup();
      ovs.fail.install = new Error('timed out');
      await assert.rejects(
        join(),
        (e: Error) => e instanceof DriverError && e.code === 'DATAPLANE_TIMEOUT' && /within 1000 ms/.test(e.message),
      );
      assert.deepEqual(log.slice(1), [`ovs.attachPort:${NAMES.host}`, `ovs.waitInstalled:${EP.slice(0, 4)}`, ...UNDO]);
    });

    it("answers with Join's own failure when the rollback fails too, having tried every undo step", async () => {
      const { log, ovs, links, join } = setup();
      ovs.fail.attach = new Error('attach failed');
      ovs.fail.detach = new Error('detach failed');
      links.fail.retire = new Error('retire failed');
      await assert.rejects(join(), /^Error: attach failed$/);
      assert.deepEqual(log.slice(-2), UNDO);
    });

    it('touches OVS not at all when the veth cannot be made', async () => {
      const { log, links, join } = setup();
      links.fail.create = new Error('EEXIST');
      await assert.rejects(join(), /EEXIST/);
      assert.equal(log.length, 1, log.join('\n'));
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

  describe('DeleteEndpoint after a failed Join (what dockerd sends, not Leave)', () => {
    it('cleans the host, then removes the logical port', async () => {
      const { log, service } = setup();
      await service.deleteEndpoint(EP);
      assert.deepEqual(log, [...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
    });

    it('removes the logical port even when the host cannot be cleaned now, and reports the host failure', async () => {
      const { log, ovs, service } = setup();
      ovs.fail.detach = new Error('local OVS DB down');
      await assert.rejects(service.deleteEndpoint(EP), /local OVS DB down/);
      assert.deepEqual(log, [...UNDO, `nb.deleteEndpoint:${EP.slice(0, 4)}`]);
    });
  });
});
