import type { OpenVSwitch, OvsdbCache } from 'ovsdb-client';
import type { NbTables } from './rows';
import { lspIps } from './network-records';
import { CHASSIS_KEY, ENDPOINT_ID_KEY, isOwned, NETWORK_ID_KEY, NETWORK_KEY_PREFIX, SWITCH_KEY, VRF_KEY } from './ownership';
import { NB, OVS } from './tables';

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
  /** Owned Port_Group by the NetworkID whose endpoints it holds. */
  portGroupByNetwork: 'docker-ovn:network-id',
  /** Owned ACL by the endpoint it lets traffic into. */
  aclByEndpoint: 'docker-ovn:endpoint-id',
  /** Owned Logical_Router_Policy by the "vrf|subnet" key of the switch it isolates. */
  routerPolicyBySwitch: 'docker-ovn:switch',
  /** OVS Interface by external_ids:iface-id (the logical port ovn-controller binds it to). */
  interfaceByIfaceId: 'iface-id',
  /** OVS Port by the UUID of each of its interfaces. */
  portByInterface: 'interfaces',
} as const;

const ids = (row: { external_ids: Record<string, string> }) => row.external_ids;
type NbCache = OvsdbCache<NbTables>;
type OvsCache = OvsdbCache<OpenVSwitch.TableMap>;

export function addNorthboundIndexes(cache: NbCache): void {
  cache.addMultiIndex(NB.Logical_Switch, INDEX.switchByNetwork, (row) =>
    isOwned(ids(row))
      ? Object.keys(ids(row))
          .filter((k) => k.startsWith(NETWORK_KEY_PREFIX))
          .map((k) => k.slice(NETWORK_KEY_PREFIX.length))
      : [],
  );
  cache.addIndex(NB.Logical_Switch, INDEX.switchByKey, (row) => (isOwned(ids(row)) ? ids(row)[SWITCH_KEY] : undefined));
  cache.addIndex(NB.Logical_Switch, INDEX.switchByVrf, (row) => (isOwned(ids(row)) ? ids(row)[VRF_KEY] : undefined));
  cache.addMultiIndex(NB.Logical_Switch_Port, INDEX.portByIp, (row) => lspIps(row));
  cache.addIndex(NB.Port_Group, INDEX.portGroupByNetwork, (row) => (isOwned(ids(row)) ? ids(row)[NETWORK_ID_KEY] : undefined));
  cache.addIndex(NB.ACL, INDEX.aclByEndpoint, (row) => (isOwned(ids(row)) ? ids(row)[ENDPOINT_ID_KEY] : undefined));
  cache.addIndex(NB.Logical_Router_Policy, INDEX.routerPolicyBySwitch, (row) => (isOwned(ids(row)) ? ids(row)[SWITCH_KEY] : undefined));
  cache.addIndex(NB.Logical_Switch_Port, INDEX.portByChassis, (row) => (isOwned(ids(row)) ? ids(row)[CHASSIS_KEY] : undefined));
}

export function addOpenVswitchIndexes(cache: OvsCache): void {
  cache.addIndex(OVS.Interface, INDEX.interfaceByIfaceId, (row) => ids(row)['iface-id']);
  cache.addMultiIndex(OVS.Port, INDEX.portByInterface, (row) => row.interfaces);
}

/** Typed lookups over those indexes. */
export const lookup = {
  switchOfNetwork: (cache: NbCache, networkId: string) => cache.lookup(NB.Logical_Switch, INDEX.switchByNetwork, networkId)[0],
  switchByKey: (cache: NbCache, key: string) => cache.lookup(NB.Logical_Switch, INDEX.switchByKey, key)[0],
  switchesOfVrf: (cache: NbCache, vrf: string) => cache.lookup(NB.Logical_Switch, INDEX.switchByVrf, vrf),
  portsWithIp: (cache: NbCache, ip: string) => cache.lookup(NB.Logical_Switch_Port, INDEX.portByIp, ip),
  switchPort: (cache: NbCache, name: string) => cache.lookup(NB.Logical_Switch_Port, 'name', name)[0],
  portsOnChassis: (cache: NbCache, chassis: string) => cache.lookup(NB.Logical_Switch_Port, INDEX.portByChassis, chassis),
  portGroupOfNetwork: (cache: NbCache, networkId: string) => cache.lookup(NB.Port_Group, INDEX.portGroupByNetwork, networkId)[0],
  allowAclOf: (cache: NbCache, endpointId: string) => cache.lookup(NB.ACL, INDEX.aclByEndpoint, endpointId)[0],
  routerPolicyOf: (cache: NbCache, switchKey: string) => cache.lookup(NB.Logical_Router_Policy, INDEX.routerPolicyBySwitch, switchKey)[0],
  meterNamed: (cache: NbCache, name: string) => cache.lookup(NB.Meter, 'name', name)[0],
  interfacesOf: (cache: OvsCache, ifaceId: string) => cache.lookup(OVS.Interface, INDEX.interfaceByIfaceId, ifaceId),
  interfaceNamed: (cache: OvsCache, name: string) => cache.lookup(OVS.Interface, 'name', name)[0],
  portsWith: (cache: OvsCache, interfaceUuid: string) => cache.lookup(OVS.Port, INDEX.portByInterface, interfaceUuid),
  bridgeNamed: (cache: OvsCache, name: string) => cache.lookup(OVS.Bridge, 'name', name)[0],
  /** This host's chassis name: the system-id ovn-controller registers it under. */
  chassis: (cache: OvsCache) => [...cache.table(OVS.Open_vSwitch).values()].map((row) => row.external_ids['system-id']).find((id) => !!id),
};
