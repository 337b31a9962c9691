import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { namedUuid } from 'ovsdb-client';
import { DriverError } from '../../protocol/errors';
import { AttachSpec, LocalSwitchRepository } from './local-switch.repository';
import type { PortRecord } from './ovn.model';
import { lookup } from './cache-indexes';
import { OvsdbSessions, type OvsClient } from './ovsdb-sessions';
import { NETWORK_ID_KEY, OWNER, OWNER_KEY, SANDBOX_KEY } from './ownership';
import { ovsOp, type BridgeRow, type InterfaceRow, type PortRow } from './rows';
import { OVS } from './tables';

/** external_ids ovn-controller reads and writes on an OVS Interface (ovn-controller(8), "OVN Database Integration"). */
const IFACE_ID = 'iface-id';
const OVN_INSTALLED = 'ovn-installed';
const VM_ID = 'vm-id';

function portRecord(iface: InterfaceRow): PortRecord {
  return {
    portName: iface.name,
    ifaceId: iface.external_ids[IFACE_ID]!,
    ofport: iface.ofport === undefined ? undefined : Number(iface.ofport),
    installed: iface.external_ids[OVN_INSTALLED] === 'true',
    sandbox: iface.external_ids[VM_ID],
    sandboxKey: iface.external_ids[SANDBOX_KEY],
  };
}

/** br-int ports in the local Open_vSwitch DB. */
@Injectable()
export class OvsLocalSwitchRepository extends LocalSwitchRepository {
  constructor(private readonly sessions: OvsdbSessions) {
    super();
  }

  chassis(): string | undefined {
    return lookup.chassis(this.sessions.ovs.cache);
  }

  hostChassis(): string {
    return lookup.chassis(this.sessions.localOvs().cache) ?? hostname();
  }

  encapsulation(): { types: string; ip: string } | undefined {
    for (const row of this.sessions.ovs.cache.table(OVS.Open_vSwitch).values()) {
      const types = row.external_ids['ovn-encap-type'];
      const ip = row.external_ids['ovn-encap-ip']?.split(',')[0]?.trim();
      if (types && ip) return { types, ip };
    }
    return undefined;
  }

  datapathType(bridge: string): string | undefined {
    return lookup.bridgeNamed(this.sessions.ovs.cache, bridge)?.datapath_type;
  }

  async attachPort(spec: AttachSpec): Promise<void> {
    const ovs = this.sessions.localOvs();
    const bridge = lookup.bridgeNamed(ovs.cache, spec.bridge);
    if (!bridge) throw new DriverError('BRIDGE_NOT_FOUND', `bridge ${spec.bridge} does not exist in the local Open_vSwitch DB`);
    // A port left by a crashed Join, or one with the same iface-id, would make ovn-controller bind the
    // wrong interface; it goes in the same transaction as the new port is added.
    const named = lookup.interfaceNamed(ovs.cache, spec.portName);
    const stale = this.portsOf(ovs, [...lookup.interfacesOf(ovs.cache, spec.ifaceId), ...(named ? [named] : [])]);
    await ovs.transact([
      ...this.removePortOps(ovs, stale),
      ovsOp.insert(
        OVS.Interface,
        {
          name: spec.portName,
          external_ids: {
            [IFACE_ID]: spec.ifaceId,
            'attached-mac': spec.mac,
            ...(spec.sandbox ? { [VM_ID]: spec.sandbox } : {}),
            ...(spec.sandboxKey ? { [SANDBOX_KEY]: spec.sandboxKey } : {}),
            'iface-status': 'active',
            [OWNER_KEY]: OWNER,
            [NETWORK_ID_KEY]: spec.networkId,
          },
        },
        { uuidName: 'iface' },
      ),
      ovsOp.insert(
        OVS.Port,
        { name: spec.portName, interfaces: [namedUuid('iface')], external_ids: { [OWNER_KEY]: OWNER } },
        { uuidName: 'port' },
      ),
      ovsOp.mutate(OVS.Bridge, [['_uuid', '==', bridge._uuid]], [['ports', 'insert', [namedUuid('port')]]]),
    ]);
  }

  async detachPort(ifaceId: string): Promise<void> {
    const ovs = this.sessions.localOvs();
    const ports = this.portsOf(ovs, lookup.interfacesOf(ovs.cache, ifaceId));
    if (ports.length === 0) return;
    await ovs.transact(this.removePortOps(ovs, ports));
  }

  async setSandbox(ifaceId: string, sandbox: { id: string; key: string }): Promise<void> {
    const ovs = this.sessions.localOvs();
    const ifaces = lookup.interfacesOf(ovs.cache, ifaceId);
    if (ifaces.length === 0) throw new DriverError('PORT_NOT_FOUND', `no OVS interface carries iface-id ${ifaceId}`);
    // delete then insert: a map `insert` keeps a key that is already there (RFC 7047 5.1, "mutator").
    await ovs.transact(
      ifaces.map((i) =>
        ovsOp.mutate(
          OVS.Interface,
          [['_uuid', '==', i._uuid]],
          [
            ['external_ids', 'delete', [VM_ID, SANDBOX_KEY]],
            ['external_ids', 'insert', { [VM_ID]: sandbox.id, [SANDBOX_KEY]: sandbox.key }],
          ],
        ),
      ),
    );
  }

  findPort(ifaceId: string): PortRecord | undefined {
    const iface = lookup.interfacesOf(this.sessions.localOvs().cache, ifaceId)[0];
    return iface ? portRecord(iface) : undefined;
  }

  ownedPorts(): PortRecord[] {
    return this.interfaces(this.sessions.localOvs())
      .filter((i) => i.external_ids[OWNER_KEY] === OWNER && i.external_ids[IFACE_ID])
      .map(portRecord);
  }

  async waitInstalled(ifaceId: string, timeoutMs: number): Promise<void> {
    const ovs = this.sessions.localOvs();
    await ovs.waitFor(() => lookup.interfacesOf(ovs.cache, ifaceId).some((i) => i.external_ids[OVN_INSTALLED] === 'true') || undefined, {
      timeoutMs,
    });
  }

  private removePortOps(ovs: OvsClient, ports: PortRow[]) {
    const uuids = new Set(ports.map((p) => p._uuid));
    const ops = [];
    for (const b of this.bridges(ovs)) {
      const mine = b.ports.filter((p) => uuids.has(p));
      if (mine.length > 0) ops.push(ovsOp.mutate(OVS.Bridge, [['_uuid', '==', b._uuid]], [['ports', 'delete', mine]]));
    }
    for (const p of ports) {
      ops.push(ovsOp.delete(OVS.Port, [['_uuid', '==', p._uuid]]));
      for (const i of p.interfaces) ops.push(ovsOp.delete(OVS.Interface, [['_uuid', '==', i]]));
    }
    return ops;
  }

  /** The Ports holding these interfaces, each once. */
  private portsOf(ovs: OvsClient, ifaces: InterfaceRow[]): PortRow[] {
    const ports = new Map<string, PortRow>();
    for (const iface of ifaces) for (const p of lookup.portsWith(ovs.cache, iface._uuid)) ports.set(p._uuid, p);
    return [...ports.values()];
  }

  private interfaces(ovs: OvsClient): InterfaceRow[] {
    return [...ovs.cache.table(OVS.Interface).values()];
  }

  private bridges(ovs: OvsClient): BridgeRow[] {
    return [...ovs.cache.table(OVS.Bridge).values()];
  }
}
