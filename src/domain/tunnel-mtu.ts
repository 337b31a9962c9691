/**
 * The MTU a container gets when its network names none (`-o mtu`): what fits the tunnel between hosts.
 * OVN carries a container's frame between chassis inside the tunnel named by the chassis' ovn-encap-type
 * (ovn-controller(8)); a frame that does not fit is dropped, not fragmented, so without this a container's
 * ping crosses and its larger TCP segments to another host vanish.
 */

/** The MTU of Docker's bridge driver, and the most a container gets without `-o mtu`. */
export const DEFAULT_MTU = 1500;

/**
 * Bytes a tunnel adds in front of the container's IP packet: the outer IP header (20 over IPv4, 40 over
 * IPv6), UDP (8), the tunnel header (Geneve 8 plus OVN's 8-byte option carrying the logical ports; VXLAN 8)
 * and the inner Ethernet header (14). Undefined for a type this does not know.
 */
export function tunnelOverhead(encapType: string, underlayFamily: 4 | 6): number | undefined {
  const outer = underlayFamily === 6 ? 40 : 20;
  switch (encapType.trim().toLowerCase()) {
    case 'geneve':
      return outer + 8 + 8 + 8 + 14;
    case 'vxlan':
      return outer + 8 + 8 + 14;
    default:
      return undefined;
  }
}

/**
 * The container MTU for a chassis whose ovn-encap-type is `encapTypes` (comma-separated, as OVN takes it)
 * over a link of `underlayMtu`: the tunnel's room, never above {@link DEFAULT_MTU} (a jumbo underlay is no
 * reason to differ from Docker's bridge; `-o mtu` asks for more). Undefined when a type is unknown.
 */
export function containerMtu(encapTypes: string, underlayMtu: number, underlayFamily: 4 | 6): number | undefined {
  const overheads = encapTypes
    .split(',')
    .filter((t) => t.trim())
    .map((t) => tunnelOverhead(t, underlayFamily));
  if (overheads.length === 0 || overheads.some((o) => o === undefined)) return undefined;
  return Math.min(DEFAULT_MTU, underlayMtu - Math.max(...(overheads as number[])));
}
