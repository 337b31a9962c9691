/** Host network operations Join/Leave need; one real implementation ({@link IpRouteLinkOps}). */
export abstract class LinkOps {
  /**
   * Creates a veth pair, both ends with `mtu` (when given), the peer with `peerMac`, and sets the host end up.
   * An existing pair of the same names (a retried Join) is replaced.
   */
  abstract createVethPair(hostName: string, peerName: string, opts: { mtu?: number; peerMac?: string }): Promise<void>;
  /** Deletes a link (a veth's peer goes with it). A missing link is not an error. */
  abstract deleteLink(name: string): Promise<void>;
  abstract linkExists(name: string): Promise<boolean>;
  /** Names of the host's links. */
  abstract listLinks(): Promise<string[]>;
}
