/**
 * external_ids keys recording what this driver owns (ovn-kubernetes and kuryr do the same): the driver
 * only ever changes rows carrying OWNER_KEY = OWNER, and finds its rows again after a restart from them.
 */
export const OWNER_KEY = 'docker-ovn:owner';
export const OWNER = 'docker-ovn-driver';
/** Logical_Switch: "vrf|subnet" — the key that makes networks share a switch across hosts. */
export const SWITCH_KEY = 'docker-ovn:switch';
export const VRF_KEY = 'docker-ovn:vrf';
/** Logical_Switch: the gateway addresses with prefix ("10.10.10.1/23"), held by the vrf router's port. */
export const GATEWAY_KEY = 'docker-ovn:gateway';
export const GATEWAY6_KEY = 'docker-ovn:gateway6';
export const SUBNET_KEY = 'docker-ovn:subnet';
export const SUBNET6_KEY = 'docker-ovn:subnet6';
/** Logical_Switch: one key per Docker network using the switch; the value is its JSON settings. */
export const NETWORK_KEY_PREFIX = 'docker-ovn:network:';
/** Logical_Switch_Port / OVS Interface. */
export const NETWORK_ID_KEY = 'docker-ovn:network-id';
export const ENDPOINT_ID_KEY = 'docker-ovn:endpoint-id';
export const CHASSIS_KEY = 'docker-ovn:chassis';
/** OVS Interface: the SandboxKey (network namespace path) of the container the port serves. */
export const SANDBOX_KEY = 'docker-ovn:sandbox-key';

export function networkKey(networkId: string): string {
  return NETWORK_KEY_PREFIX + networkId;
}

/**
 * Logical_Switch, OVN_DRIVER_SCOPE=global: `docker-ovn:host:<NetworkID>:<chassis>`, one per host whose
 * dockerd has the network (swarm gives every node the same NetworkID), whether or not it has endpoints now.
 */
export function hostKeyPrefix(networkId: string): string {
  return `docker-ovn:host:${networkId}:`;
}

export function hostKey(networkId: string, chassis: string): string {
  return hostKeyPrefix(networkId) + chassis;
}

export function isOwned(externalIds: Record<string, string> | undefined): boolean {
  return externalIds?.[OWNER_KEY] === OWNER;
}

/** Switch names: readable in `ovn-nbctl show`, unique per (vrf, subnet). */
export function switchName(vrf: string, subnet: string): string {
  return `docker-${vrf}-${subnet.replace(/[/:]/g, '_')}`;
}
/** Logical_Switch_Port: the endpoint's addresses with their prefix length, as Docker gave them. */
export const ADDRESS_KEY = 'docker-ovn:address';
export const ADDRESS6_KEY = 'docker-ovn:address6';
/** Logical_Switch: "true" when the vrf router drops its subnet's traffic to and from the vrf's other subnets. */
export const ISOLATED_KEY = 'docker-ovn:isolated';
/** ACL / Logical_Router_Policy: what the row does ("deny", "track", "allow", "isolate"). */
export const POLICY_KEY = 'docker-ovn:policy';

/**
 * Port_Group of a network's endpoints under policy. The name is used in ACL matches (`@name`), so it is
 * an identifier: letters, digits and '_' (ovn-nb(5) Port_Group).
 */
export function portGroupName(networkId: string): string {
  return `docker_${networkId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Meter rate-limiting the log of a network's denied packets (the ACLs name it; unique per NB). */
export function meterName(networkId: string): string {
  return `docker-acl-${networkId}`;
}

/** ACL names are at most 63 characters (ovn-nb.ovsschema): short IDs, as `docker ps` shows them. */
export function denyAclName(networkId: string): string {
  return `docker-deny-${networkId.slice(0, 12)}`;
}

export function trackAclName(networkId: string): string {
  return `docker-track-${networkId.slice(0, 12)}`;
}

export function allowAclName(endpointId: string): string {
  return `docker-allow-${endpointId.slice(0, 12)}`;
}
