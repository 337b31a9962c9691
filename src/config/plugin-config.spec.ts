import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ENV_KEYS } from './load-config';
import { NODE_FLAGS } from './node-flags';

const root = path.join(__dirname, '..', '..', '..');

describe('plugin/config.json', () => {
  it('lists exactly the keys the driver reads, all settable but the socket dockerd dials', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'plugin', 'config.json'), 'utf8')) as {
      interface: { socket: string };
      env: { name: string; value: string; settable?: string[] }[];
    };
    assert.deepEqual(manifest.env.map((e) => e.name).sort(), [...ENV_KEYS].sort());
    for (const e of manifest.env) {
      if (e.name !== 'OVN_DRIVER_SOCKET') assert.deepEqual(e.settable, ['value'], e.name);
      // dockerd dials interface.socket in the plugin's /run/docker/plugins: a driver listening elsewhere is never reached.
      else assert.deepEqual([e.value, e.settable], [`/run/docker/plugins/${manifest.interface.socket}`, undefined]);
    }
  });

  it("starts node with the driver's flags, as the Dockerfile and run-local.sh do", () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'plugin', 'config.json'), 'utf8')) as { entrypoint: string[] };
    assert.deepEqual(manifest.entrypoint, ['/usr/local/bin/node', ...NODE_FLAGS, '/opt/docker-ovn-driver/dist/src/main.js']);
    assert.match(
      readFileSync(path.join(root, 'Dockerfile'), 'utf8'),
      new RegExp(`^ENTRYPOINT \\["/usr/local/bin/node", ${NODE_FLAGS.map((f) => `"${f}"`).join(', ')}, `, 'm'),
    );
    assert.match(
      readFileSync(path.join(root, 'scripts', 'run-local.sh'), 'utf8'),
      new RegExp(`^exec node ${NODE_FLAGS.join(' ')} dist/src/main\\.js$`, 'm'),
    );
  });
});
