import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCKER_ID, MAC, isCidr, isIpAddress } from './wire-formats';

describe('wire formats', () => {
  it('takes addresses with their prefix length as CIDR, host bits allowed', () => {
    for (const ok of ['10.40.0.1/24', '10.40.0.0/24', '0.0.0.0/0', '10.1.2.3/32', 'fd00:41::1/64', '::/0', 'fd00::/128'])
      assert.ok(isCidr(ok), ok);
    for (const bad of [
      '10.40.0.1',
      '10.40.0.0/33',
      'fd00::/129',
      '10.0.0/24',
      '/24',
      '10.0.0.0/',
      '10.0.0.0/24/1',
      '10.0.0.0/ 24',
      '10.0.0.0/-1',
      '1.2.3.4/0x18',
      'fe80::1%eth0/64',
      '',
      24,
      null,
    ]) {
      assert.ok(!isCidr(bad), String(bad));
    }
  });

  it('takes plain addresses only as IPs: no prefix, no zone', () => {
    for (const ok of ['10.40.0.1', 'fd00:41::1', '::']) assert.ok(isIpAddress(ok), ok);
    for (const bad of ['10.40.0.1/24', 'fe80::1%eth0', '10.40.0', '01.2.3.4', '', undefined]) assert.ok(!isIpAddress(bad), String(bad));
  });

  it('takes 64 lowercase hex digits as a Docker ID and colon-separated MACs', () => {
    assert.ok(DOCKER_ID.test('a'.repeat(64)));
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}\n`, `../${'a'.repeat(61)}`]) assert.ok(!DOCKER_ID.test(bad), bad);
    assert.ok(MAC.test('02:42:0A:0a:00:01'));
    for (const bad of ['02-42-0a-0a-00-01', '02:42:0a:0a:00', '0242.0a0a.0001']) assert.ok(!MAC.test(bad), bad);
  });
});
