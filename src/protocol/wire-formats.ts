import { isIP } from 'node:net';

/** Docker object IDs: 64 lowercase hex digits (moby pkg/stringid.GenerateRandomID). */
export const DOCKER_ID = /^[0-9a-f]{64}$/;

/** A swarm object ID: 25 lowercase base-36 characters (swarmkit identity.NewID), a swarm network's NetworkID. */
export const SWARM_ID = /^[0-9a-z]{25}$/;

/** A NetworkID: dockerd's own, or the swarm's for a swarm-scoped network (every node gets the same one). */
export const NETWORK_ID = new RegExp(`${DOCKER_ID.source}|${SWARM_ID.source}`);

/** Colon-separated 48-bit MAC, as Go's net.HardwareAddr.String() prints it. */
export const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A plain IPv4 or IPv6 address (no prefix, no zone: node's isIP accepts "fe80::1%eth0", Go's net.ParseIP does not). */
export function isIpAddress(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('%') && isIP(value) !== 0;
}

/**
 * Address with prefix length, host bits allowed ("10.40.0.1/24"): Go's net.IPNet.String() form used by
 * CreateNetwork's Pool/Gateway and CreateEndpoint's Address.
 */
export function isCidr(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const family = isIpAddress(value.slice(0, slash)) ? isIP(value.slice(0, slash)) : 0;
  const prefix = value.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
