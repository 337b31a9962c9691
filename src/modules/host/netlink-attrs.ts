/**
 * Netlink attribute encoding shared by the hand-encoded requests (rtnetlink.ts, ethtool-netlink.ts): a
 * struct nlattr (length, type) followed by its payload, padded to 4 bytes, integers in host byte order
 * (man 7 netlink, linux/netlink.h).
 */
import { endianness } from 'node:os';

/** nla_type bit marking an attribute whose payload is attributes; strict policies reject a nest without it. */
export const NLA_F_NESTED = 0x8000;

const LITTLE_ENDIAN = endianness() === 'LE';

function put16(buf: Buffer, value: number, offset: number): void {
  if (LITTLE_ENDIAN) buf.writeUInt16LE(value, offset);
  else buf.writeUInt16BE(value, offset);
}

export function put32(buf: Buffer, value: number, offset: number): void {
  if (LITTLE_ENDIAN) buf.writeUInt32LE(value >>> 0, offset);
  else buf.writeUInt32BE(value >>> 0, offset);
}

export function attr(type: number, data: Buffer): Buffer {
  const len = 4 + data.length;
  const out = Buffer.alloc((len + 3) & ~3);
  put16(out, len, 0);
  put16(out, type, 2);
  data.copy(out, 4);
  return out;
}

/** An attribute holding the given attributes, flagged as a nest. */
export const nest = (type: number, ...attrs: Buffer[]): Buffer => attr(type | NLA_F_NESTED, Buffer.concat(attrs));

export const cstring = (s: string): Buffer => Buffer.from(`${s}\0`, 'latin1');

export function u32(n: number): Buffer {
  const out = Buffer.alloc(4);
  put32(out, n, 0);
  return out;
}
