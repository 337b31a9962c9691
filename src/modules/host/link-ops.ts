/** Host network operations Join/Leave need; one real implementation ({@link NetlinkLinkOps}). */
export abstract class LinkOps {
  /**
   * Creates a veth pair, both ends with `mtu` (when given), the peer with `peerMac`, and sets the host end up.
   * An existing pair of the same names (a retried Join) is replaced.
   */
  abstract createVethPair(hostName: string, peerName: string, opts: { mtu?: number; peerMac?: string }): Promise<void>;
  /**
   * Takes a link out of use and deletes it shortly after, together with the others retired meanwhile
   * (see {@link RETIRED_LINK_GROUP}). A missing link is not an error.
   */
  abstract retireLink(name: string): Promise<void>;
  /**
   * Turns transmit checksum offload off on a link (`ethtool -K <name> tx off`): the stack sending through it
   * fills every checksum itself instead of leaving it to the device.
   */
  abstract disableTxChecksum(name: string): Promise<void>;
  /** Names of the host's links. */
  abstract listLinks(): Promise<string[]>;
  /** The name and MTU of the host link holding `address`; undefined when no link holds it or its MTU is unreadable. */
  abstract linkHolding(address: string): { name: string; mtu: number } | undefined;
}

/**
 * The link group ("ovn" in ASCII) of veths retired by Leave and not yet deleted: `ip link show group 7304814`
 * lists them. Deleting a link costs the kernel one wait for in-flight packets; deleting a group costs one wait
 * for all its links, so Leave answers without that wait and retired links go in batches.
 */
export const RETIRED_LINK_GROUP = 0x6f766e;
