import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipText, ipValue, parseSubnet } from '../../domain/address';
import { bitsToHex, hexToBits, PoolBlocks } from './pool-blocks';

/** Sets addresses the way the repository does: one block row per 256 addresses. */
function take(p: PoolBlocks, ...ips: string[]): void {
  for (const ip of ips) {
    const v = ipValue(ip);
    const index = p.blockOf(v);
    p.set(index, `u${index}`, (p.block(index)?.bits ?? 0n) | (1n << (v - p.baseOf(index))));
  }
}

const fill = (p: PoolBlocks, from: number, to: number) => {
  for (let b = from; b <= to; b++) p.set(BigInt(b), `u${b}`, (1n << 256n) - 1n);
};

describe(PoolBlocks.name, () => {
  const s16 = parseSubnet('10.1.0.0/16');
  const usable = { first: s16.first + 1n, last: s16.last - 1n };
  const free = (p: PoolBlocks, first = usable.first, last = usable.last) => {
    const v = p.lowestFree(first, last);
    return v === undefined ? undefined : ipText(v, 4);
  };

  it('finds the lowest free address across blocks, full blocks skipped by binary search', () => {
    const p = new PoolBlocks(s16);
    assert.equal(free(p), '10.1.0.1');
    take(p, '10.1.0.1', '10.1.0.2');
    assert.equal(free(p), '10.1.0.3');
    fill(p, 0, 99);
    fill(p, 101, 200);
    assert.equal(free(p), '10.1.100.0');
    fill(p, 100, 100);
    assert.equal(free(p), '10.1.201.0');
    assert.equal(p.allocated, 201 * 256);
    p.set(57n, 'u57', ((1n << 256n) - 1n) ^ (1n << 9n));
    assert.equal(free(p), '10.1.57.9');
    assert.ok(!p.has(ipValue('10.1.57.9')) && p.has(ipValue('10.1.57.10')));
  });

  it('stays inside a range and answers undefined when the pool is full', () => {
    const p = new PoolBlocks(s16);
    take(p, '10.1.0.64');
    assert.equal(free(p, ipValue('10.1.0.64'), ipValue('10.1.0.127')), '10.1.0.65');
    fill(p, 0, 255);
    assert.equal(free(p), undefined);
    p.remove(255n);
    assert.equal(free(p), '10.1.255.0');
    assert.equal(free(p, ipValue('10.1.3.0'), ipValue('10.1.3.255')), undefined);
  });

  it('counts a block of a small subnet full when every address in the subnet is taken', () => {
    const p = new PoolBlocks(parseSubnet('10.2.0.0/29'));
    take(p, '10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5', '10.2.0.6');
    assert.equal(p.lowestFree(ipValue('10.2.0.1'), ipValue('10.2.0.6')), undefined);
  });

  it('handles IPv6 block indexes beyond 2^53', () => {
    const p = new PoolBlocks(parseSubnet('fd00::/64'));
    const far = ipValue('fd00::ffff:ffff:ffff:ff00');
    take(p, 'fd00::ffff:ffff:ffff:ff00');
    assert.equal(p.lowestFree(far, far + 10n), far + 1n);
    assert.equal(hexToBits(bitsToHex(123n << 200n)), 123n << 200n);
  });
});
