import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { describe, it } from 'node:test';
import { featuresOff, TX_CHECKSUM_FEATURES } from './ethtool-netlink';

/** One attribute as the kernel reads it: type without flags, nested flag, payload. */
interface Attr {
  type: number;
  nested: boolean;
  data: Buffer;
}

const LE = endianness() === 'LE';
const u16 = (b: Buffer, o: number) => (LE ? b.readUInt16LE(o) : b.readUInt16BE(o));

function parse(buf: Buffer): Attr[] {
  const out: Attr[] = [];
  for (let o = 0; o < buf.length;) {
    const len = u16(buf, o);
    const raw = u16(buf, o + 2);
    assert.ok(len >= 4 && o + len <= buf.length, `attribute at ${o} overruns the message`);
    out.push({ type: raw & 0x3fff, nested: (raw & 0x8000) !== 0, data: buf.subarray(o + 4, o + len) });
    o += (len + 3) & ~3;
  }
  return out;
}

describe('featuresOff (ETHTOOL_MSG_FEATURES_SET)', () => {
  const msg = parse(featuresOff('veth0abc', TX_CHECKSUM_FEATURES));

  it('names the device in a nested request header asking for no reply (ETHTOOL_FLAG_OMIT_REPLY)', () => {
    assert.equal(msg.length, 2);
    const header = msg[0]!;
    assert.deepEqual([header.type, header.nested], [1, true]);
    const [name, flags] = parse(header.data);
    assert.deepEqual([name!.type, name!.data.toString('latin1')], [2, 'veth0abc\0']);
    assert.deepEqual([flags!.type, LE ? flags!.data.readUInt32LE(0) : flags!.data.readUInt32BE(0)], [3, 2]);
  });

  it('lists the transmit checksum features by name with no value and no NOMASK: only they change, to off', () => {
    const wanted = msg[1]!;
    assert.deepEqual([wanted.type, wanted.nested], [3, true]);
    const bitset = parse(wanted.data);
    assert.deepEqual(
      bitset.map((a) => [a.type, a.nested]),
      [[3, true]],
    );
    const bits = parse(bitset[0]!.data);
    assert.ok(bits.every((b) => b.type === 1 && b.nested));
    const names = bits.map((b) => {
      const fields = parse(b.data);
      assert.deepEqual(
        fields.map((f) => f.type),
        [2],
      );
      return fields[0]!.data.toString('latin1');
    });
    assert.deepEqual(names, ['tx-checksum-ip-generic\0', 'tx-checksum-sctp\0']);
  });

  it('pads every attribute to 4 bytes', () => {
    assert.equal(featuresOff('e', ['x']).length % 4, 0);
  });
});
