import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerMtu, tunnelOverhead } from './tunnel-mtu';

describe('tunnel MTU', () => {
  it('knows what Geneve and VXLAN take over IPv4 and IPv6', () => {
    assert.equal(tunnelOverhead('geneve', 4), 58);
    assert.equal(tunnelOverhead('geneve', 6), 78);
    assert.equal(tunnelOverhead('vxlan', 4), 50);
    assert.equal(tunnelOverhead(' Geneve ', 4), 58);
    assert.equal(tunnelOverhead('stt', 4), undefined);
  });

  it('leaves the tunnel room on a 1500-byte underlay, and never goes above 1500', () => {
    assert.equal(containerMtu('geneve', 1500, 4), 1442);
    assert.equal(containerMtu('geneve', 1500, 6), 1422);
    assert.equal(containerMtu('geneve,vxlan', 1500, 4), 1442, 'the larger overhead of the listed types');
    assert.equal(containerMtu('geneve', 9000, 4), 1500);
    assert.equal(containerMtu('geneve', 65536, 4), 1500, 'a loopback tunnel endpoint');
    assert.equal(containerMtu('stt', 1500, 4), undefined);
    assert.equal(containerMtu('', 1500, 4), undefined);
  });
});
