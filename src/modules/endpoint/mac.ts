import { randomBytes } from 'node:crypto';

/** A random unicast, locally administered MAC (IEEE 802: bit 1 of the first octet set, bit 0 clear). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0] & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
