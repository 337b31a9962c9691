import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NsenterRouteOps } from './nsenter-route-ops';

describe('NsenterRouteOps.diagnose', () => {
  const ops = new NsenterRouteOps();
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'sandbox-key-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('names a SandboxKey that stayed a plain file, and what to check', async () => {
    // What a driver sees when dockerd's mount of the namespace did not propagate to it: the empty file.
    const key = path.join(dir, '0123456789ab');
    await writeFile(key, '');
    const why = await ops.diagnose(key);
    assert.match(why ?? '', /no network namespace .*not nsfs/);
    assert.match(why ?? '', /mount --make-shared \/run/);
    assert.equal(await ops.read(key), undefined, 'read still treats it as not there (yet)');
  });

  it('has nothing to say about a namespace or a file that is gone', async () => {
    assert.equal(await ops.diagnose('/proc/self/ns/net'), undefined);
    assert.equal(await ops.diagnose(path.join(dir, 'gone')), undefined);
  });
});
