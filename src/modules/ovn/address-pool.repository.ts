/** An IPAM pool as NB holds it. */
export interface PoolRecord {
  key: string;
  gateway?: string;
  refs: number;
  /** Addresses handed out, the gateway included. */
  allocated: number;
  /** Whether the address (its integer value) is allocated. */
  has(value: bigint): boolean;
  /** The lowest address in first..last that is not allocated, or undefined when all are: O(log n). */
  lowestFree(first: bigint, last: bigint): bigint | undefined;
}

/**
 * IPAM pools and their allocations in NB, shared by every host using it. Injected by this abstract
 * class as token.
 */
export abstract class AddressPoolRepository {
  /** Creates the pool or adds a user to it. */
  abstract acquirePool(key: string): Promise<void>;
  /** Drops a user; the pool and its allocations go with the last one. Unknown pools: no-op. */
  abstract releasePool(key: string): Promise<void>;
  abstract findPool(key: string): PoolRecord | undefined;
  /** Every pool NB holds (for the debug views). */
  abstract pools(): PoolRecord[];
  /**
   * Takes `ip` if no one holds it, atomically across hosts; `pick` chooses the address from the pool's
   * current state on each attempt (a competing allocation makes it choose again).
   */
  abstract allocate(key: string, pick: (pool: PoolRecord) => string): Promise<string>;
  /** Records the pool's gateway, chosen by `pick` as in allocate; every network on the pool shares it. */
  abstract reserveGateway(key: string, pick: (pool: PoolRecord) => string): Promise<string>;
  /** Gives an address back. Not held: no-op. */
  abstract release(key: string, ip: string): Promise<void>;
}
