import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxId, vethNames } from './interface-names';
import { macForIPv4, randomMac } from '../../domain/mac';

describe(vethNames.name, () => {
  it('fits IFNAMSIZ and differs per end', () => {
    const n = vethNames('9f79172a592e491ed8a5e9e40216da6f1da7e5a3a8e0e48b309fa157b4bbb1d3');
    assert.equal(n.host, 'ovn9f79172a592e');
    assert.equal(n.peer, 'ovc9f79172a592e');
    assert.ok(n.host.length <= 15 && n.peer.length <= 15);
  });

  it('takes the sandbox ID from the SandboxKey path', () => {
    assert.equal(sandboxId('/var/run/docker/netns/9663d513bf67'), '9663d513bf67');
  });
});

describe(randomMac.name, () => {
  it('makes unicast, locally administered MACs', () => {
    for (let i = 0; i < 200; i++) {
      const mac = randomMac();
      assert.match(mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      assert.equal(first & 0x01, 0, 'unicast');
      assert.equal(first & 0x02, 0x02, 'locally administered');
    }
  });
});

describe(macForIPv4.name, () => {
  it('derives a unicast, locally administered MAC from the address', () => {
    assert.equal(macForIPv4('10.40.0.41/24'), '0a:58:0a:28:00:29');
  });
});
