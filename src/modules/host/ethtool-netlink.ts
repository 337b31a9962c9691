/**
 * The one ethtool request the driver makes, over generic netlink (family "ethtool", kernel ≥ 5.6), encoded
 * by hand: ETHTOOL_MSG_FEATURES_SET turning features off, what `ethtool -K <dev> tx off` sends. Constants
 * are from linux/ethtool_netlink.h (linux/ethtool_netlink_generated.h since 6.16); the layout is in the
 * kernel's Documentation/networking/ethtool-netlink.rst ("Request header", "Bit sets", "FEATURES_SET").
 * The generic netlink header (command, version) and the family id are added by the socket.
 */
import { attr, cstring, nest, u32 } from './netlink-attrs';

export const ETHTOOL_GENL_NAME = 'ethtool';
export const ETHTOOL_GENL_VERSION = 1;
export const ETHTOOL_MSG_FEATURES_SET = 12;

const ETHTOOL_A_HEADER_DEV_NAME = 2;
const ETHTOOL_A_HEADER_FLAGS = 3;
/** No ETHTOOL_MSG_FEATURES_SET_REPLY: the netlink ACK is the whole answer. */
const ETHTOOL_FLAG_OMIT_REPLY = 1 << 1;
const ETHTOOL_A_FEATURES_HEADER = 1;
const ETHTOOL_A_FEATURES_WANTED = 3;
const ETHTOOL_A_BITSET_BITS = 3;
const ETHTOOL_A_BITSET_BITS_BIT = 1;
const ETHTOOL_A_BITSET_BIT_NAME = 2;

/**
 * The transmit checksum features of a veth (drivers/net/veth.c VETH_FEATURES: NETIF_F_HW_CSUM and
 * NETIF_F_SCTP_CRC), named as in net/ethtool/common.c netdev_features_strings. They are what `ethtool -K
 * <dev> tx off` clears on a veth; the kernel then drops the segmentation offloads that need them
 * (netdev_fix_features), so the stack sends every segment whole and checksummed.
 */
export const TX_CHECKSUM_FEATURES = ['tx-checksum-ip-generic', 'tx-checksum-sctp'] as const;

/**
 * ETHTOOL_MSG_FEATURES_SET body turning `features` off on the link named `dev`. The wanted set is a
 * verbose bit set without ETHTOOL_A_BITSET_NOMASK: only the bits listed change, and a bit without
 * ETHTOOL_A_BITSET_BIT_VALUE is set to 0. Bits are named, not numbered: feature bit numbers differ
 * between kernel versions, their names do not.
 */
export function featuresOff(dev: string, features: readonly string[]): Buffer {
  const header = nest(
    ETHTOOL_A_FEATURES_HEADER,
    attr(ETHTOOL_A_HEADER_DEV_NAME, cstring(dev)),
    attr(ETHTOOL_A_HEADER_FLAGS, u32(ETHTOOL_FLAG_OMIT_REPLY)),
  );
  const bits = features.map((name) => nest(ETHTOOL_A_BITSET_BITS_BIT, attr(ETHTOOL_A_BITSET_BIT_NAME, cstring(name))));
  return Buffer.concat([header, nest(ETHTOOL_A_FEATURES_WANTED, nest(ETHTOOL_A_BITSET_BITS, ...bits))]);
}
