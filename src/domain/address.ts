import { IPv4, IPv6, collapseIPv6Number } from 'ip-num';

/** An IP subnet with its bounds as integers, made from Docker's "address/prefix" strings. */
export interface Subnet {
  readonly family: 4 | 6;
  /** Canonical "network/prefix" (host bits cleared, IPv6 compressed). */
  readonly cidr: string;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function familyOf(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** The integer value of a plain address. */
export function ipValue(ip: string): bigint {
  return familyOf(ip) === 4 ? IPv4.fromString(ip).getValue() : IPv6.fromString(ip).getValue();
}

/** The canonical text of an address (IPv6 compressed, lowercase). */
export function ipText(value: bigint, family: 4 | 6): string {
  return family === 4 ? new IPv4(value).toString() : collapseIPv6Number(new IPv6(value).toString()).toLowerCase();
}

/** Canonical text of a plain address. */
export function canonicalIp(ip: string): string {
  return ipText(ipValue(ip), familyOf(ip));
}

/** Subnets parsed lately: every endpoint verb checks its address against its network's subnet. */
const parsed = new Map<string, Subnet>();
const PARSED_MAX = 1024;

/** Parses "address/prefix" (host bits allowed) into its subnet. */
export function parseSubnet(cidr: string): Subnet {
  let subnet = parsed.get(cidr);
  if (!subnet) {
    subnet = parseSubnetUncached(cidr);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(cidr, subnet);
  }
  return subnet;
}

function parseSubnetUncached(cidr: string): Subnet {
  const parts = cidr.split('/');
  const [ip, len] = parts;
  // Number('') is 0 and a prefix past the family's bits shifts the wrong way: "10.0.0.0/" must not be /0.
  if (parts.length !== 2 || !/^\d{1,3}$/.test(len)) throw new RangeError(`"${cidr}" is not address/prefix`);
  const family = familyOf(ip);
  const prefix = Number(len);
  if (prefix > BITS[family]) throw new RangeError(`"${cidr}": /${prefix} is longer than an IPv${family} address`);
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (ipValue(ip) >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, cidr: `${ipText(first, family)}/${prefix}`, prefix, first, last };
}

/** The plain address of an "address/prefix" string. */
export function addressOf(cidr: string): string {
  return canonicalIp(cidr.split('/')[0]);
}

export function contains(subnet: Subnet, ip: string): boolean {
  if (familyOf(ip) !== subnet.family) return false;
  const v = ipValue(ip);
  return v >= subnet.first && v <= subnet.last;
}

/** Two subnets of one family sharing an address. */
export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
