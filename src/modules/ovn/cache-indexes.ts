import type { OvsdbCache, Row } from 'ovsdb-client';
import { lspIps } from './network-records';
import { CHASSIS_KEY, isOwned, NETWORK_KEY_PREFIX, SWITCH_KEY, VRF_KEY } from './ownership';
import type { BridgeRow, InterfaceRow, PortRow, SwitchPortRow, SwitchRow } from './rows';

/**
 * Client indexes of the two caches, so a verb finds its rows in O(1) however large NB grows (ovn-northd and
 * ovn-controller keep the same kind of indexes in their IDLs). Lookups by name use the schema indexes
 * ("name" of Logical_Switch_Port, Interface, Bridge, Address_Set).
 */
export const INDEX = {
  /** Owned Logical_Switch by each Docker NetworkID it carries (`docker-ovn:network:<id>` keys). */
  switchByNetwork: 'docker-ovn:network',
  /** Owned Logical_Switch by its "vrf|subnet" key. */
  switchByKey: 'docker-ovn:switch',
  /** Owned Logical_Switch by vrf. */
  switchByVrf: 'docker-ovn:vrf',
  /** Logical_Switch_Port by each IP in its addresses (on any switch: the caller checks the switch's ports). */
  portByIp: 'ip',
  /** Owned Logical_Switch_Port by the chassis it was created on. */
  portByChassis: 'docker-ovn:chassis',
  /** OVS Interface by external_ids:iface-id (the logical port ovn-controller binds it to). */
  interfaceByIfaceId: 'iface-id',
  /** OVS Port by the UUID of each of its interfaces. */
  portByInterface: 'interfaces',
} as const;

const ids = (row: Row) => (row as unknown as { external_ids: Record<string, string> }).external_ids;

export function addNorthboundIndexes(cache: OvsdbCache): void {
  cache.addMultiIndex('Logical_Switch', INDEX.switchByNetwork, (row) =>
    isOwned(ids(row))
      ? Object.keys(ids(row))
          .filter((k) => k.startsWith(NETWORK_KEY_PREFIX))
          .map((k) => k.slice(NETWORK_KEY_PREFIX.length))
      : [],
  );
  cache.addIndex('Logical_Switch', INDEX.switchByKey, (row) => (isOwned(ids(row)) ? ids(row)[SWITCH_KEY] : undefined));
  cache.addIndex('Logical_Switch', INDEX.switchByVrf, (row) => (isOwned(ids(row)) ? ids(row)[VRF_KEY] : undefined));
  cache.addMultiIndex('Logical_Switch_Port', INDEX.portByIp, (row) => lspIps(row as unknown as SwitchPortRow));
  cache.addIndex('Logical_Switch_Port', INDEX.portByChassis, (row) => (isOwned(ids(row)) ? ids(row)[CHASSIS_KEY] : undefined));
}

export function addOpenVswitchIndexes(cache: OvsdbCache): void {
  cache.addIndex('Interface', INDEX.interfaceByIfaceId, (row) => ids(row)['iface-id']);
  cache.addMultiIndex('Port', INDEX.portByInterface, (row) => (row as unknown as PortRow).interfaces);
}

function rows<T>(cache: OvsdbCache, table: string, index: string, key: string): T[] {
  return cache.lookup(table, index, key) as unknown as T[];
}

/** Typed lookups over those indexes. */
export const lookup = {
  switchOfNetwork: (cache: OvsdbCache, networkId: string) => rows<SwitchRow>(cache, 'Logical_Switch', INDEX.switchByNetwork, networkId)[0],
  switchByKey: (cache: OvsdbCache, key: string) => rows<SwitchRow>(cache, 'Logical_Switch', INDEX.switchByKey, key)[0],
  switchesOfVrf: (cache: OvsdbCache, vrf: string) => rows<SwitchRow>(cache, 'Logical_Switch', INDEX.switchByVrf, vrf),
  portsWithIp: (cache: OvsdbCache, ip: string) => rows<SwitchPortRow>(cache, 'Logical_Switch_Port', INDEX.portByIp, ip),
  switchPort: (cache: OvsdbCache, name: string) => rows<SwitchPortRow>(cache, 'Logical_Switch_Port', 'name', name)[0],
  portsOnChassis: (cache: OvsdbCache, chassis: string) => rows<SwitchPortRow>(cache, 'Logical_Switch_Port', INDEX.portByChassis, chassis),
  interfacesOf: (cache: OvsdbCache, ifaceId: string) => rows<InterfaceRow>(cache, 'Interface', INDEX.interfaceByIfaceId, ifaceId),
  interfaceNamed: (cache: OvsdbCache, name: string) => rows<InterfaceRow>(cache, 'Interface', 'name', name)[0],
  portsWith: (cache: OvsdbCache, interfaceUuid: string) => rows<PortRow>(cache, 'Port', INDEX.portByInterface, interfaceUuid),
  bridgeNamed: (cache: OvsdbCache, name: string) => rows<BridgeRow>(cache, 'Bridge', 'name', name)[0],
};
