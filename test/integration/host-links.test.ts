/**
 * NetlinkLinkOps against this host's kernel: what Join and Leave do to links, read back with `ip`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createGenericNetlink, genl } from 'netlink';
import { RETIRED_LINK_GROUP } from '../../src/modules/host/link-ops';
import { attr, cstring, nest } from '../../src/modules/host/netlink-attrs';
import { IpBatch } from '../../src/modules/host/ip-batch';
import { NetlinkLinkOps } from '../../src/modules/host/netlink-link-ops';
import { DriverError } from '../../src/protocol/errors';
import { run, waitFor } from '../harness/stack';

interface IpLink {
  ifname: string;
  mtu: number;
  address: string;
  group: string;
  flags: string[];
}

async function link(name: string): Promise<IpLink | undefined> {
  const out = await run('ip', ['-j', 'link', 'show', 'dev', name]).catch(() => undefined);
  return out ? (JSON.parse(out) as IpLink[])[0] : undefined;
}

/** Netlink attributes of a message body: type (flags masked off) and payload. */
function attrs(buf: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let o = 0; o + 4 <= buf.length;) {
    const len = buf.readUInt16LE(o);
    out.push([buf.readUInt16LE(o + 2) & 0x3fff, buf.subarray(o + 4, o + len)]);
    o += (len + 3) & ~3;
  }
  return out;
}

/**
 * The link's active features, read as `ethtool -k` does (ETHTOOL_MSG_FEATURES_GET, verbose bit sets: the
 * ETHTOOL_A_FEATURES_ACTIVE set lists the names of the bits that are on). The host has no ethtool binary.
 */
async function activeFeatures(name: string): Promise<string[]> {
  const socket = createGenericNetlink();
  try {
    const [family] = await socket.ctrlRequest(genl.Commands.GET_FAMILY, { familyName: 'ethtool' });
    // ETHTOOL_MSG_FEATURES_GET with a request header naming the device (ETHTOOL_A_HEADER_DEV_NAME).
    const [[reply]] = await socket.request(family!.familyId!, 11, 1, nest(1, attr(2, cstring(name))));
    const active = attrs(reply!.data).find(([type]) => type === 4)![1];
    const bits = attrs(active).find(([type]) => type === 3)![1];
    return attrs(bits).map(([, bit]) =>
      attrs(bit)
        .find(([type]) => type === 2)![1]
        .toString('latin1')
        .replace(/\0.*$/, ''),
    );
  } finally {
    socket.socket.close();
  }
}

const names = () => {
  const suffix = randomBytes(5).toString('hex');
  return { host: `ovt${suffix}`, peer: `ovu${suffix}` };
};

describe('NetlinkLinkOps', () => {
  // Deletes retired links only when asked (flushRetired), so tests can look at them first.
  const ops = new NetlinkLinkOps(undefined, { idleMs: 60_000, maxAgeMs: 60_000, maxBatch: 1000 });
  // Deletes them by itself, soon.
  const quick = new NetlinkLinkOps(undefined, { idleMs: 20, maxAgeMs: 200, maxBatch: 8 });
  const made: string[] = [];
  const pair = () => {
    const n = names();
    made.push(n.host);
    return n;
  };

  after(async () => {
    for (const name of made) await run('ip', ['link', 'del', name]).catch(() => undefined);
    await ops.onApplicationShutdown();
    await quick.onApplicationShutdown();
  });

  it('creates a veth pair: both ends with the MTU, the peer with the MAC, the host end up', async () => {
    const n = pair();
    await ops.createVethPair(n.host, n.peer, { mtu: 1442, peerMac: '0a:58:0a:01:02:03' });
    const [host, peer] = [await link(n.host), await link(n.peer)];
    assert.ok(host && peer, 'both ends exist');
    assert.equal(host.mtu, 1442);
    assert.equal(peer.mtu, 1442);
    assert.equal(peer.address, '0a:58:0a:01:02:03');
    assert.ok(host.flags.includes('UP'), 'host end up');
    assert.ok(!peer.flags.includes('UP'), 'the peer stays down until Docker moves it');
    const listed = await ops.listLinks();
    assert.ok(listed.includes(n.host) && listed.includes(n.peer), 'both ends listed');
  });

  it('replaces a pair of the same names (a retried Join)', async () => {
    const n = pair();
    await ops.createVethPair(n.host, n.peer, { peerMac: '0a:58:0a:01:02:04' });
    await ops.createVethPair(n.host, n.peer, { peerMac: '0a:58:0a:01:02:05' });
    assert.equal((await link(n.peer))?.address, '0a:58:0a:01:02:05');
  });

  it('deletes both ends at once, and a missing link is not an error', async () => {
    const n = pair();
    await ops.createVethPair(n.host, n.peer, {});
    await ops.deleteLink(n.host);
    assert.equal(await link(n.host), undefined);
    assert.equal(await link(n.peer), undefined);
    await ops.deleteLink(n.host);
  });

  it('keeps retired links in their group, then deletes them all at once', async () => {
    const pairs = Array.from({ length: 12 }, pair);
    for (const n of pairs) await ops.createVethPair(n.host, n.peer, {});
    for (const n of pairs) await ops.retireLink(n.host);
    // `ip` names group numbers it knows; this one it prints as a number.
    for (const n of pairs) assert.equal((await link(n.host))?.group, String(RETIRED_LINK_GROUP), `${n.host} in the retired group`);
    await ops.flushRetired();
    for (const n of pairs) assert.equal(await link(n.host), undefined, `${n.host} deleted`);
    await ops.retireLink(pairs[0]!.host);
  });

  it('deletes retired links by itself once no Leave came for a while', async () => {
    const pairs = Array.from({ length: 3 }, pair);
    for (const n of pairs) await quick.createVethPair(n.host, n.peer, {});
    for (const n of pairs) await quick.retireLink(n.host);
    for (const n of pairs) {
      await waitFor(async () => (await link(n.host)) === undefined, {
        timeoutMs: 3000,
        intervalMs: 10,
        what: `${n.host} deleted after the idle time`,
      });
    }
  });

  it('retires a pair made again under a retired name (a Join retried after its Leave)', async () => {
    const n = pair();
    await ops.createVethPair(n.host, n.peer, { peerMac: '0a:58:0a:01:02:06' });
    await ops.retireLink(n.host);
    await ops.createVethPair(n.host, n.peer, { peerMac: '0a:58:0a:01:02:07' });
    assert.equal((await link(n.host))?.group, 'default', 'the new pair is not retired');
    await ops.retireLink(n.host);
    assert.equal((await link(n.host))?.group, String(RETIRED_LINK_GROUP));
    await ops.flushRetired();
    assert.equal(await link(n.host), undefined);
  });

  it('turns transmit checksum offload off (and with it the segmentation offloads that need it), as ethtool -K tx off', async () => {
    const n = pair();
    await ops.createVethPair(n.host, n.peer, {});
    const before = await activeFeatures(n.peer);
    assert.ok(
      before.includes('tx-checksum-ip-generic') && before.includes('tx-tcp-segmentation'),
      `a new veth offloads: ${before.join(' ')}`,
    );
    await ops.disableTxChecksum(n.peer);
    const now = await activeFeatures(n.peer);
    for (const off of ['tx-checksum-ip-generic', 'tx-checksum-sctp', 'tx-tcp-segmentation'])
      assert.ok(!now.includes(off), `${off} off: ${now.join(' ')}`);
    assert.ok(now.includes('rx-checksum'), 'receive offload stays');
    assert.ok((await activeFeatures(n.host)).includes('tx-checksum-ip-generic'), 'the host end is left alone');
    await ops.disableTxChecksum(n.peer);
    await assert.rejects(
      ops.disableTxChecksum('ovunone'),
      (e: unknown) => e instanceof DriverError && e.code === 'HOST_LINK_FAILED' && /ENODEV/.test(e.message),
    );
  });

  it('refuses names that are not interface names without asking the kernel', async () => {
    for (const bad of ['', 'a b', 'x'.repeat(16), 'eth0;reboot', '../x']) {
      await assert.rejects(ops.createVethPair(bad, 'ovuok', {}), (e: unknown) => e instanceof DriverError && e.code === 'BAD_IFNAME');
      await assert.rejects(ops.retireLink(bad), (e: unknown) => e instanceof DriverError && e.code === 'BAD_IFNAME');
      await assert.rejects(ops.disableTxChecksum(bad), (e: unknown) => e instanceof DriverError && e.code === 'BAD_IFNAME');
    }
    await assert.rejects(
      ops.createVethPair('ovtok', 'ovuok', { peerMac: 'zz:58:0a:01:02:03' }),
      (e: unknown) => e instanceof DriverError && e.code === 'BAD_MAC',
    );
  });

  it('reports what the kernel refused, with its errno', async () => {
    const n = pair();
    await assert.rejects(
      ops.createVethPair(n.host, n.peer, { mtu: 10 }),
      (e: unknown) => e instanceof DriverError && e.code === 'HOST_LINK_FAILED' && /EINVAL/.test(e.message),
    );
    assert.equal(await link(n.host), undefined, 'nothing half made');
  });
});

describe('IpBatch (the long-lived `ip -batch` process that deletes retired links)', () => {
  const ip = new IpBatch();
  after(() => ip.close());

  it('runs commands in order, each answered once it finished, with what it printed on stderr', async () => {
    const n = names();
    const [made, failed, gone] = await Promise.all([
      ip.run(`link add ${n.host} type veth peer name ${n.peer}`),
      ip.run(`link add ${n.host} type veth peer name ${n.peer}`),
      ip.run(`link delete ${n.host}`),
    ]);
    assert.deepEqual(made.errors, []);
    assert.match(failed.errors.join('\n'), /File exists/, 'the second add of the same name failed');
    assert.deepEqual(gone.errors, []);
    assert.equal(await link(n.host), undefined, 'deleted by the time the command answered');
  });

  it('starts a new process for the next command when its process died', async () => {
    const first = await ip.run('link show dev lo');
    assert.deepEqual(first.errors, []);
    const pids = (await run('pgrep', ['-f', '-P', String(process.pid), '^ip -force -batch -$'])).trim().split('\n');
    assert.equal(pids.length, 1, 'one helper process');
    await run('kill', ['-KILL', pids[0]!]);
    await waitFor(async () => (await run('pgrep', ['-f', '-P', String(process.pid), '^ip -force -batch -$']).catch(() => '')) === '', {
      timeoutMs: 2000,
      intervalMs: 10,
      what: 'the helper gone',
    });
    assert.deepEqual((await ip.run('link show dev lo')).errors, [], 'a command after the death runs in a new process');
  });

  it('refuses more than one command per call', async () => {
    await assert.rejects(ip.run('link show dev lo\nlink delete group 1'), /one command per call/);
  });
});
