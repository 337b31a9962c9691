import type { Subnet } from '../../domain/address';

/** Addresses per allocation block: one NB row holds the allocation bitmap of this many addresses. */
export const BLOCK_SIZE = 256n;
const BLOCK_BITS = 8n;
const ALL_ONES = (1n << BLOCK_SIZE) - 1n;

/** A block's bitmap as stored in NB: 64 hex digits, bit i set = address blockBase + i allocated. */
export function bitsToHex(bits: bigint): string {
  return bits.toString(16).padStart(Number(BLOCK_SIZE / 4n), '0');
}

export function hexToBits(hex: string | undefined): bigint {
  return hex && /^[0-9a-f]{1,64}$/.test(hex) ? BigInt(`0x${hex}`) : 0n;
}

function popcount(x: bigint): number {
  let n = 0;
  for (const c of x.toString(2)) if (c === '1') n++;
  return n;
}

/** Index of the lowest set bit of x > 0. */
function lowestBit(x: bigint): bigint {
  return BigInt((x & -x).toString(2).length - 1);
}

/** The mask of bits lo..hi (inclusive, 0 ≤ lo ≤ hi < BLOCK_SIZE). */
function span(lo: bigint, hi: bigint): bigint {
  return ((1n << (hi - lo + 1n)) - 1n) << lo;
}

interface Block {
  uuid: string;
  bits: bigint;
}

/**
 * One pool's allocations, split into blocks of 256 addresses, as the driver keeps them in memory: the
 * bitmap of every block that has a row, and the sorted indexes of the blocks with no free address left.
 * The lowest free address of a range is found with a binary search over the full blocks and one bitmap
 * scan of 256 bits: O(log n) in the number of full blocks, whatever the pool's occupancy.
 */
export class PoolBlocks {
  private readonly blocks = new Map<bigint, Block>();
  /** Strictly increasing indexes of the blocks whose every address (inside the subnet) is taken. */
  private full: bigint[] = [];
  private count = 0;

  constructor(readonly subnet: Subnet) {}

  /** Addresses allocated in the pool (the gateway included). */
  get allocated(): number {
    return this.count;
  }

  /** No block has a row. */
  get empty(): boolean {
    return this.blocks.size === 0;
  }

  blockOf(value: bigint): bigint {
    return (value - this.subnet.first) >> BLOCK_BITS;
  }

  /** The first address of a block. */
  baseOf(index: bigint): bigint {
    return this.subnet.first + (index << BLOCK_BITS);
  }

  /** The block's row and bitmap, when it has a row. */
  block(index: bigint): Readonly<Block> | undefined {
    return this.blocks.get(index);
  }

  /** Records a block row's content (insert or update). */
  set(index: bigint, uuid: string, bits: bigint): void {
    this.remove(index);
    this.blocks.set(index, { uuid, bits });
    this.count += popcount(bits);
    if ((bits & this.inSubnet(index)) === this.inSubnet(index)) this.full.splice(this.lowerBound(index), 0, index);
  }

  remove(index: bigint): void {
    const old = this.blocks.get(index);
    if (!old) return;
    this.blocks.delete(index);
    this.count -= popcount(old.bits);
    const at = this.lowerBound(index);
    if (this.full[at] === index) this.full.splice(at, 1);
  }

  has(value: bigint): boolean {
    const b = this.blocks.get(this.blockOf(value));
    return !!b && ((b.bits >> (value - this.baseOf(this.blockOf(value)))) & 1n) === 1n;
  }

  /** The lowest address in first..last (inside the subnet) that is not allocated, or undefined. */
  lowestFree(first: bigint, last: bigint): bigint | undefined {
    const lastBlock = this.blockOf(last);
    for (let index = this.firstNotFull(this.blockOf(first)); index <= lastBlock; index = this.firstNotFull(index + 1n)) {
      const base = this.baseOf(index);
      const lo = first > base ? first - base : 0n;
      const hi = last < base + BLOCK_SIZE - 1n ? last - base : BLOCK_SIZE - 1n;
      const free = ~(this.blocks.get(index)?.bits ?? 0n) & span(lo, hi);
      // Only the range's first and last blocks can have free addresses outside it: at most two misses.
      if (free !== 0n) return base + lowestBit(free);
    }
    return undefined;
  }

  /** The bits of a block that are addresses of the subnet (all of them but in a subnet smaller than a block). */
  private inSubnet(index: bigint): bigint {
    const base = this.baseOf(index);
    return this.subnet.last >= base + BLOCK_SIZE - 1n ? ALL_ONES : span(0n, this.subnet.last - base);
  }

  /** The lowest block index ≥ from that is not full: full[i] - i grows along a run of consecutive indexes. */
  private firstNotFull(from: bigint): bigint {
    const p = this.lowerBound(from);
    if (this.full[p] !== from) return from;
    const key = this.full[p] - BigInt(p);
    let lo = p;
    let hi = this.full.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.full[mid] - BigInt(mid) === key) lo = mid;
      else hi = mid - 1;
    }
    return this.full[lo] + 1n;
  }

  private lowerBound(index: bigint): number {
    let lo = 0;
    let hi = this.full.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.full[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
