import { ipText, Subnet } from '../../domain/address';

/**
 * Addresses a container may get in `subnet`: not the IPv4 network and broadcast addresses (unless the
 * subnet is a /31 or /32, RFC 3021), not the IPv6 subnet-router anycast address (RFC 4291 §2.6.1).
 */
export function usableBounds(subnet: Subnet): { first: bigint; last: bigint } {
  const size = subnet.last - subnet.first + 1n;
  if (subnet.family === 4)
    return size <= 2n ? { first: subnet.first, last: subnet.last } : { first: subnet.first + 1n, last: subnet.last - 1n };
  return size <= 1n ? { first: subnet.first, last: subnet.last } : { first: subnet.first + 1n, last: subnet.last };
}

/** What picking needs of a pool: its lowest free address in a span (an index lookup, not a scan). */
export interface FreeAddresses {
  lowestFree(first: bigint, last: bigint): bigint | undefined;
}

/** The lowest usable address of `range` (within `subnet`) that is free, or undefined when none is. */
export function pickFree(subnet: Subnet, range: Subnet | undefined, pool: FreeAddresses): string | undefined {
  const usable = usableBounds(subnet);
  const first = range && range.first > usable.first ? range.first : usable.first;
  const last = range && range.last < usable.last ? range.last : usable.last;
  if (first > last) return undefined;
  const v = pool.lowestFree(first, last);
  return v === undefined ? undefined : ipText(v, subnet.family);
}
