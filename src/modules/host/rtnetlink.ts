/**
 * The few rtnetlink requests the driver makes, encoded by hand: a veth pair, delete a link, set a link's
 * group, delete a group. Constants are from linux/rtnetlink.h, linux/if_link.h, linux/veth.h and
 * linux/if.h; a message body is a struct ifinfomsg followed by 4-byte aligned attributes (man 7 rtnetlink).
 * The netlink header (type, flags, sequence) is added by the socket.
 */
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

function attr(type: number, data: Buffer): Buffer {
  const len = 4 + data.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  data.copy(out, 4);
  return out;
}

const cstring = (s: string): Buffer => Buffer.from(`${s}\0`, 'latin1');

function u32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(n >>> 0);
  return out;
}

/** struct ifinfomsg: family, pad, type, index, flags, change (16 bytes). Index 0: the link is named by IFLA_IFNAME. */
function ifinfomsg(flags = 0, change = 0): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt32LE(flags, 8);
  out.writeUInt32LE(change, 12);
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

/**
 * RTM_DELLINK of every link in `group`: the kernel unregisters them together and waits for in-flight packets
 * once (unregister_netdevice_many), where one request per link waits once per link (about 16 ms each here).
 */
export function deleteLinkGroup(group: number): Buffer {
  return Buffer.concat([ifinfomsg(), attr(IFLA_GROUP, u32(group))]);
}
