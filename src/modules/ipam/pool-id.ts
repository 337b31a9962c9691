import { BadRequestError } from '../../protocol/errors';
import { parseSubnet, Subnet } from '../../domain/address';

/** vrf / address-space names: they become part of PoolIDs and OVN external_ids. */
export const SPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** A pool as PoolID carries it: (vrf or address space, subnet), and the --ip-range part, if any. */
export interface PoolRef {
  space: string;
  subnet: Subnet;
  range?: Subnet;
}

/** "space|subnet|range": readable in `docker network inspect`, parsed back without any lookup. */
export function formatPoolId(ref: PoolRef): string {
  return `${ref.space}|${ref.subnet.cidr}|${ref.range?.cidr ?? ''}`;
}

export function parsePoolId(poolId: string): PoolRef {
  const parts = poolId.split('|');
  const bad = () => new BadRequestError(`PoolID "${poolId}" is not one this driver made (expected space|subnet|range)`);
  if (parts.length !== 3 || !SPACE_NAME.test(parts[0])) throw bad();
  try {
    const subnet = parseSubnet(parts[1]);
    const range = parts[2] ? parseSubnet(parts[2]) : undefined;
    if (subnet.cidr !== parts[1] || (range && range.cidr !== parts[2])) throw bad();
    return { space: parts[0], subnet, range };
  } catch {
    throw bad();
  }
}

/** The key pools are stored under in NB: one per (space, subnet), whatever the range. */
export function poolKey(ref: Pick<PoolRef, 'space' | 'subnet'>): string {
  return `${ref.space}|${ref.subnet.cidr}`;
}
