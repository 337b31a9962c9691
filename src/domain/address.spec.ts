import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressOf, canonicalIp, contains, parseSubnet } from './address';

describe('address', () => {
  it('clears host bits and compresses IPv6', () => {
    assert.equal(parseSubnet('10.10.11.7/23').cidr, '10.10.10.0/23');
    assert.equal(parseSubnet('FD00:0041:0::5/64').cidr, 'fd00:41::/64');
    assert.equal(parseSubnet('0.0.0.0/0').cidr, '0.0.0.0/0');
    assert.equal(parseSubnet('10.1.2.3/32').cidr, '10.1.2.3/32');
  });

  it('knows what a subnet contains', () => {
    const s = parseSubnet('10.10.10.0/23');
    assert.ok(contains(s, '10.10.11.255'));
    assert.ok(!contains(s, '10.10.12.0'));
    assert.ok(!contains(s, 'fd00::1'));
  });

  it('gives plain addresses', () => {
    assert.equal(addressOf('10.40.0.1/24'), '10.40.0.1');
    assert.equal(canonicalIp('fd00:41:0:0:0:0:0:1'), 'fd00:41::1');
  });
});
