/**
 * The few rtnetlink requests the driver makes, encoded by hand: a veth pair, delete a link, set a link's
 * group. Constants are from linux/rtnetlink.h, linux/if_link.h, linux/veth.h and linux/if.h; a message
 * body is a struct ifinfomsg followed by 4-byte aligned attributes (man 7 rtnetlink), integers in host byte
 * order. The netlink header (type, flags, sequence) is added by the socket.
 */
import { attr, cstring, put32, u32 } from './netlink-attrs';

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_SETLINK = 19;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_GROUP = 27;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const IFF_UP = 0x1;

/** struct ifinfomsg: family, pad, type, index, flags, change (16 bytes). Index 0: the link is named by IFLA_IFNAME. */
function ifinfomsg(flags = 0, change = 0): Buffer {
  const out = Buffer.alloc(16);
  put32(out, flags, 8);
  put32(out, change, 12);
  return out;
}

function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((octet) => parseInt(octet, 16)));
}

/**
 * RTM_NEWLINK (with NLM_F_CREATE | NLM_F_EXCL) of a veth pair: the host end up, the peer down with `peerMac`,
 * both with `mtu`. The kernel makes both ends in one request or neither (veth_newlink).
 */
export function newVethPair(hostName: string, peerName: string, opts: { mtu?: number; peerMac?: string }): Buffer {
  const common = (name: string) => [attr(IFLA_IFNAME, cstring(name)), ...(opts.mtu ? [attr(IFLA_MTU, u32(opts.mtu))] : [])];
  const peer = Buffer.concat([ifinfomsg(), ...common(peerName), ...(opts.peerMac ? [attr(IFLA_ADDRESS, macBytes(opts.peerMac))] : [])]);
  const linkinfo = Buffer.concat([attr(IFLA_INFO_KIND, cstring('veth')), attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peer))]);
  return Buffer.concat([ifinfomsg(IFF_UP, IFF_UP), ...common(hostName), attr(IFLA_LINKINFO, linkinfo)]);
}

/** RTM_DELLINK of the link named `name` (a veth's peer goes with it). */
export function deleteLinkByName(name: string): Buffer {
  return Buffer.concat([ifinfomsg(), attr(IFLA_IFNAME, cstring(name))]);
}

/** RTM_SETLINK moving the link named `name` into link group `group`. */
export function setLinkGroup(name: string, group: number): Buffer {
  return Buffer.concat([ifinfomsg(), attr(IFLA_IFNAME, cstring(name)), attr(IFLA_GROUP, u32(group))]);
}
