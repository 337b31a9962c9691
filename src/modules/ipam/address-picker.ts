import { ipText, Subnet } from '../network/address';

/**
 * Addresses a container may get in `subnet`: not the IPv4 network and broadcast addresses (unless the
 * subnet is a /31 or /32, RFC 3021), not the IPv6 subnet-router anycast address (RFC 4291 §2.6.1).
 */
export function usableBounds(subnet: Subnet): { first: bigint; last: bigint } {
  const size = subnet.last - subnet.first + 1n;
  if (subnet.family === 4) return size <= 2n ? { first: subnet.first, last: subnet.last } : { first: subnet.first + 1n, last: subnet.last - 1n };
  return size <= 1n ? { first: subnet.first, last: subnet.last } : { first: subnet.first + 1n, last: subnet.last };
}

/** The lowest usable address of `range` (within `subnet`) not in `taken`, or undefined when all are. */
export function pickFree(subnet: Subnet, range: Subnet | undefined, taken: (ip: string) => boolean): string | undefined {
  const pool = usableBounds(subnet);
  const first = range && range.first > pool.first ? range.first : pool.first;
  const last = range && range.last < pool.last ? range.last : pool.last;
  for (let v = first; v <= last; v++) {
    const ip = ipText(v, subnet.family);
    if (!taken(ip)) return ip;
  }
  return undefined;
}
