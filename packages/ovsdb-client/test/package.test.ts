import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  name: string;
  private?: boolean;
  license: string;
  repository: { url: string; directory: string };
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
}

/** What `npm publish` would upload: `npm pack --dry-run` lists it without writing a tarball. */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(pack!.files.map((f) => f.path));
}

describe('the published package', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const files = packedFiles();

  it('is publishable on its own: not private, licensed, its repository and folder named', () => {
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.license, 'Apache-2.0');
    assert.match(manifest.repository.url, /^git\+https:\/\/github\.com\/.+\.git$/);
    assert.equal(manifest.repository.directory, 'packages/ovsdb-client');
    for (const f of ['package.json', 'README.md', 'LICENSE', 'schemas/ovn-nb.ovsschema', 'schemas/ovn-nb-25.03.ovsschema'])
      assert.ok(files.has(f), f);
  });

  it('ships every file main, types, bin and exports point at, and no tests', () => {
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
    for (const [key, value] of Object.entries(manifest.exports)) {
      if (typeof value === 'string') targets.push(value);
      else if (key.includes('*'))
        for (const model of ['ovn-nb', 'ovn-nb-25.03', 'ovn-sb', 'vswitch'])
          targets.push(value.types.replace('*', model), value.default.replace('*', model));
      else targets.push(value.types, value.default);
    }
    for (const t of targets) assert.ok(files.has(t.replace(/^\.\//, '')), `${t} is not in the tarball`);
    assert.deepEqual(
      [...files].filter((f) => f.startsWith('dist/test') || f.startsWith('test/')),
      [],
    );
  });
});
