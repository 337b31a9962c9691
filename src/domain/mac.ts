import { randomBytes } from 'node:crypto';

/** A random unicast, locally administered MAC (IEEE 802: bit 1 of the first octet set, bit 0 clear). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0] & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * The MAC of an endpoint Docker gave none: derived from its IPv4 address (0a:58:a.b.c.d, as
 * ovn-kubernetes does; Docker's bridge uses 02:42:a.b.c.d). A container that gets a freed address
 * back then has the MAC its peers still hold in their ARP caches; a fresh random MAC would leave
 * them sending to the old one until their entries expire (OVN's ARP responder never corrects them).
 */
export function macForIPv4(cidr: string): string {
  const octets = cidr.split('/')[0].split('.').map(Number);
  return ['0a', '58', ...octets.map((o) => o.toString(16).padStart(2, '0'))].join(':');
}
