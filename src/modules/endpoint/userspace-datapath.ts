/**
 * Whether a container's veth must fill its own checksums, given the integration bridge's datapath_type.
 *
 * A container's kernel hands TCP and UDP segments to its veth with the checksum left to the device
 * (CHECKSUM_PARTIAL, since a veth advertises NETIF_F_HW_CSUM); across a veth the skb keeps that state and
 * a kernel receiver trusts it. OVS's userspace datapath ("netdev", ovs-vswitchd.conf.db(5) Bridge
 * datapath_type) reads the host end through an AF_PACKET socket and forwards the frame's bytes, the
 * checksum never filled in, so the receiving container's kernel drops the segment as corrupt: ICMP (its
 * checksum always computed in software) works, TCP does not.
 * With transmit checksum offload off on the container end (`ethtool -K <dev> tx off`), the sending
 * kernel computes every checksum itself. The kernel datapath ("" or "system") moves the skb itself and
 * keeps its checksum state, so it needs nothing.
 */
export function needsTxChecksumOff(datapathType: string | undefined): boolean {
  return datapathType === 'netdev';
}
