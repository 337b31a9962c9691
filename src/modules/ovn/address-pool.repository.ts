/** An IPAM pool as NB holds it. */
export interface PoolRecord {
  key: string;
  uuid: string;
  /** Addresses handed out, the gateway included. */
  taken: ReadonlySet<string>;
  gateway?: string;
  refs: number;
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
  /**
   * Takes `ip` if no one holds it, atomically across hosts; `pick` chooses the address from the pool's
   * current state on each attempt (a competing allocation makes it choose again).
   */
  abstract allocate(key: string, pick: (pool: PoolRecord) => string): Promise<string>;
  /** Records the pool's gateway; every network on the pool shares it. */
  abstract reserveGateway(key: string, ip: string): Promise<void>;
  /** Gives an address back. Not held: no-op. */
  abstract release(key: string, ip: string): Promise<void>;
}
