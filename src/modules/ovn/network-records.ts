import type { NetworkSpec } from '../../domain/network-spec';
import type { IngressMode } from '../../domain/policy';
import type { EndpointRecord, NetworkRecord } from './ovn.model';
import {
  ADDRESS6_KEY,
  ADDRESS_KEY,
  CHASSIS_KEY,
  ENDPOINT_ID_KEY,
  ISOLATED_KEY,
  NETWORK_ID_KEY,
  NETWORK_KEY_PREFIX,
  VRF_KEY,
} from './ownership';
import type { SwitchPortRow, SwitchRow } from './rows';

/** What one network keeps in its switch's `docker-ovn:network:<id>` value. */
interface StoredNetwork {
  subnet: string;
  gateway?: string;
  subnet6?: string;
  gateway6?: string;
  mtu?: number;
  internal?: boolean;
  /** Absent: open. */
  ingress?: IngressMode;
  /** The host that created it (absent in networks made by an earlier release). */
  chassis?: string;
  /** Present when its addresses come from Docker's built-in IPAM. */
  ipam?: 'docker';
}

export function storedNetwork(spec: NetworkSpec): string {
  const v: StoredNetwork = {
    subnet: spec.ipv4.subnet.cidr,
    gateway: spec.ipv4.gateway,
    subnet6: spec.ipv6?.subnet.cidr,
    gateway6: spec.ipv6?.gateway,
    mtu: spec.mtu,
    internal: spec.internal || undefined,
    ingress: spec.ingress === 'open' ? undefined : spec.ingress,
    chassis: spec.chassis,
    ipam: spec.dockerIpam ? 'docker' : undefined,
  };
  return JSON.stringify(v);
}

/** The networks recorded on a switch, by NetworkID. */
export function networksOf(sw: SwitchRow): NetworkRecord[] {
  const out: NetworkRecord[] = [];
  for (const [key, value] of Object.entries(sw.external_ids)) {
    if (!key.startsWith(NETWORK_KEY_PREFIX)) continue;
    let v: StoredNetwork;
    try {
      v = JSON.parse(value) as StoredNetwork;
    } catch {
      continue;
    }
    out.push({
      networkId: key.slice(NETWORK_KEY_PREFIX.length),
      vrf: sw.external_ids[VRF_KEY],
      switchName: sw.name,
      switchUuid: sw._uuid,
      subnet: v.subnet,
      gateway: v.gateway,
      subnet6: v.subnet6,
      gateway6: v.gateway6,
      mtu: v.mtu,
      internal: v.internal === true,
      ingress: v.ingress ?? 'open',
      isolated: sw.external_ids[ISOLATED_KEY] === 'true',
      chassis: v.chassis,
      dockerIpam: v.ipam === 'docker',
    });
  }
  return out;
}

/** "MAC IPv4 [IPv6]": the LSP addresses and port_security entry (ovn-nb(5)). */
export function lspAddresses(mac: string, address?: string, addressIPv6?: string): string {
  return [mac, address?.split('/')[0], addressIPv6?.split('/')[0]].filter(Boolean).join(' ');
}

/** The IPs an LSP's addresses column holds ("dynamic", "router", "unknown" hold none we can compare). */
export function lspIps(lsp: SwitchPortRow): string[] {
  return lsp.addresses.flatMap((entry) => entry.split(/\s+/).slice(1)).filter((ip) => ip.includes('.') || ip.includes(':'));
}

export function endpointOf(lsp: SwitchPortRow): EndpointRecord {
  const ids = lsp.external_ids;
  return {
    endpointId: ids[ENDPOINT_ID_KEY],
    networkId: ids[NETWORK_ID_KEY],
    lspName: lsp.name,
    lspUuid: lsp._uuid,
    mac: (lsp.addresses[0] ?? '').split(/\s+/)[0],
    address: ids[ADDRESS_KEY],
    addressIPv6: ids[ADDRESS6_KEY],
    chassis: ids[CHASSIS_KEY],
    up: lsp.up,
  };
}
