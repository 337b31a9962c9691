/**
 * A private container registry on loopback (Debian's docker-registry, the CNCF distribution 2.x), for
 * `docker plugin push`, `install` and `upgrade` as operators run them against their own registry. dockerd
 * talks plain HTTP to registries on 127.0.0.0/8 without any configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { freePort, waitFor } from './stack';

const BINARY = '/usr/bin/docker-registry';

export class LocalRegistry {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** host:port, the first component of the references pushed to it. */
    readonly host: string,
  ) {}

  static async up(): Promise<LocalRegistry> {
    if (!existsSync(BINARY))
      throw new Error(`${BINARY} is missing: install the Debian package docker-registry (make deps does, for the tests)`);
    const dir = await mkdtemp('/tmp/ovn-registry-');
    const port = await freePort();
    const config = path.join(dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${path.join(dir, 'data')}`,
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    const log = openSync(path.join(dir, 'registry.log'), 'a');
    const child = spawn(BINARY, ['serve', config], { stdio: ['ignore', log, log] });
    closeSync(log);
    const registry = new LocalRegistry(child, dir, `127.0.0.1:${port}`);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode} (log: ${dir}/registry.log)`);
          return (await fetch(`http://${registry.host}/v2/`).catch(() => undefined))?.ok;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: `docker-registry on ${registry.host}` },
      );
    } catch (e) {
      await registry.down();
      throw e;
    }
    return registry;
  }

  async down(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
