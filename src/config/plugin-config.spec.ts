import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ENV_KEYS } from './load-config';

describe('plugin/config.json', () => {
  it('lists exactly the keys the driver reads, all settable', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'plugin', 'config.json'), 'utf8')) as {
      env: { name: string; settable?: string[] }[];
    };
    assert.deepEqual(manifest.env.map((e) => e.name).sort(), [...ENV_KEYS].sort());
    for (const e of manifest.env) assert.deepEqual(e.settable, ['value'], e.name);
  });
});
