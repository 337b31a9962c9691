/**
 * What the compatibility tier's engine relies on (scripts/compat-mounts.sh): a mount made under the rootfs's
 * /run (dockerd's bind mount of a sandbox's network namespace on /run/docker/netns/ID) shows up at the same
 * path in the host's /run, where the driver opens the SandboxKey. Without it the driver sees an empty file.
 */
import assert from 'node:assert/strict';
import { statfs, writeFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NSFS_MAGIC } from '../../src/modules/host/nsenter-route-ops';
import { run } from '../harness/stack';
import { compatRootfs } from './rootfs-env';

describe('mounts of the compatibility rootfs', () => {
  it('propagates a network namespace mounted under its /run to the host /run', async () => {
    const name = `docker-ovn-compat-probe-${process.pid}`;
    const inside = path.join(compatRootfs(), 'run', name);
    await writeFile(inside, '');
    try {
      await run('mount', ['--bind', '/proc/self/ns/net', inside]);
      try {
        assert.equal((await statfs(path.join('/run', name))).type, NSFS_MAGIC, '/run/NAME is the namespace, not the empty file');
      } finally {
        await run('umount', [inside]);
      }
    } finally {
      await rm(inside, { force: true });
    }
  });
});
