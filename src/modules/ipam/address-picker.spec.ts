import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipValue, parseSubnet } from '../../domain/address';
import { FreeAddresses, pickFree, usableBounds } from './address-picker';
import { formatPoolId, parsePoolId } from './pool-id';

/** A pool whose taken addresses are a set (what the block index answers, found the slow way). */
function poolOf(taken: Iterable<string>): FreeAddresses {
  const values = new Set([...taken].map(ipValue));
  return {
    lowestFree: (first, last) => {
      for (let v = first; v <= last; v++) if (!values.has(v)) return v;
      return undefined;
    },
  };
}

describe(pickFree.name, () => {
  it('skips network, broadcast and taken addresses', () => {
    const s = parseSubnet('10.0.0.0/29');
    assert.equal(pickFree(s, undefined, poolOf([])), '10.0.0.1');
    assert.equal(pickFree(s, undefined, poolOf(['10.0.0.1'])), '10.0.0.2');
    assert.equal(pickFree(s, undefined, poolOf(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'])), undefined);
  });

  it('stays inside the --ip-range', () => {
    assert.equal(pickFree(parseSubnet('10.10.10.0/23'), parseSubnet('10.10.10.32/27'), poolOf([])), '10.10.10.32');
  });

  it('handles IPv6 and tiny subnets', () => {
    assert.equal(pickFree(parseSubnet('fd00::/64'), undefined, poolOf([])), 'fd00::1');
    assert.deepEqual(usableBounds(parseSubnet('10.0.0.0/31')), {
      first: parseSubnet('10.0.0.0/31').first,
      last: parseSubnet('10.0.0.1/31').last,
    });
  });
});

describe(parsePoolId.name, () => {
  it('round-trips and refuses foreign IDs', () => {
    const ref = { space: 'blue', subnet: parseSubnet('10.40.0.0/24'), range: parseSubnet('10.40.0.128/25') };
    assert.equal(formatPoolId(ref), 'blue|10.40.0.0/24|10.40.0.128/25');
    assert.deepEqual(parsePoolId(formatPoolId(ref)), ref);
    for (const bad of ['pool-10.40.0.0/24', 'a|10.40.0.1/24|', 'a b|10.40.0.0/24|', 'x|nonsense|', ''])
      assert.throws(() => parsePoolId(bad), /not one this driver made/);
  });
});
