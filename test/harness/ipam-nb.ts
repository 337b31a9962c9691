/**
 * The driver's IPAM state read straight from NB with ovn-nbctl (not through the driver): the addresses a
 * pool's DHCP_Options block rows mark allocated, and the pool's own row.
 */
import { ipText } from '../../src/domain/address';
import { BITS_KEY, BLOCK_KEY, subnetOfKey } from '../../src/modules/ovn/ipam-rows';
import { BLOCK_SIZE, hexToBits } from '../../src/modules/ovn/pool-blocks';
import type { Stack } from './stack';

type Json = ['map', [string, string][]] | string | unknown[];

async function findIds(stack: Stack, key: string, role: 'pool' | 'block'): Promise<Record<string, string>[]> {
  const out = await stack.nbctl(
    '--format=json',
    '--columns=external_ids',
    'find',
    'DHCP_Options',
    `external_ids:docker-ovn\\:pool="${key}"`,
    `external_ids:docker-ovn\\:ipam=${role}`,
  );
  const { data } = JSON.parse(out) as { data: Json[][] };
  return data.map(([ids]) => Object.fromEntries((ids as ['map', [string, string][]])[1]));
}

/** Every address the pool's block rows hold, sorted as text. */
export async function allocatedInNb(stack: Stack, key: string): Promise<string[]> {
  const subnet = subnetOfKey(key);
  const out: string[] = [];
  for (const ids of await findIds(stack, key, 'block')) {
    const base = subnet.first + BigInt(ids[BLOCK_KEY]) * BLOCK_SIZE;
    const bits = hexToBits(ids[BITS_KEY]);
    for (let i = 0n; i < BLOCK_SIZE; i++) if ((bits >> i) & 1n) out.push(ipText(base + i, subnet.family));
  }
  return out.sort();
}

/** The pool row's external_ids, or undefined when NB has no pool row for the key. */
export async function poolRowInNb(stack: Stack, key: string): Promise<Record<string, string> | undefined> {
  return (await findIds(stack, key, 'pool'))[0];
}
