/**
 * `scripts/plugin.sh upgrade` from a release whose mounts differ, against a Docker client that answers as
 * dockerd does (DOCKER points the script at it): the sources set before are set again only for the mounts
 * the new release has and only where they differ from its defaults, and the plugin is enabled again even
 * when a source cannot be set. The upgrade to the same release through a real dockerd is in
 * test/e2e/managed-plugin.test.ts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../harness/stack';

/** The mounts of the installed (older) release as `docker plugin inspect` shows its settings. */
const OLD_SETTINGS = [
  'ovs-run.source=/srv/ovs-run',
  'ovn-ssl.source=/etc/ssl/ovn',
  'docker-netns.source=/var/run/docker/netns',
  'docker-sock.source=/var/run/docker.sock',
];
/** The new release's mounts with their default sources (plugin/config.json). */
async function newDefaults(): Promise<string[]> {
  const config = JSON.parse(await readFile(path.join(repoRoot(), 'plugin/config.json'), 'utf8')) as {
    mounts: { name: string; source: string }[];
  };
  return config.mounts.map((m) => `${m.name}.source=${m.source}`);
}

/** A `docker` that records its calls and answers the plugin commands the script uses. */
function fakeDocker(dir: string, defaults: string[], failSet: boolean, failDefaults = false): string {
  return `#!/usr/bin/env bash
echo "$*" >> ${dir}/calls
if [[ $1 == plugin && $2 == inspect ]]; then
  case "\${4:-}" in
    *.Enabled*) echo true ;;
    *Settings.Mounts*) printf '%s\\n' ${OLD_SETTINGS.map((s) => `'${s}'`).join(' ')} ;;
    *Config.Mounts*) ${failDefaults ? 'exit 1' : `printf '%s\\n' ${defaults.map((s) => `'${s}'`).join(' ')}`} ;;
    *PluginReference*) echo registry.example/ovn:latest ;;
  esac
  exit 0
fi
if [[ $1 == plugin && $2 == set ]]; then
  ${failSet ? 'echo "Error response from daemon: setting not settable" >&2; exit 1' : ''}
  for a in "\${@:4}"; do
    grep -qx -- "\${a%%.source=*}" <(printf '%s\\n' ${defaults.map((s) => `'${s.split('.source=')[0]}'`).join(' ')}) ||
      { echo "Error response from daemon: no such mount \${a%%.source=*}" >&2; exit 1; }
  done
fi
exit 0
`;
}

describe('scripts/plugin.sh upgrade (fake Docker client)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plugin-upgrade-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const upgrade = async (failSet: boolean, failDefaults = false) => {
    const docker = path.join(dir, `docker-${failSet}-${failDefaults}`);
    await writeFile(docker, fakeDocker(dir, await newDefaults(), failSet, failDefaults));
    await chmod(docker, 0o755);
    await rm(path.join(dir, 'calls'), { force: true });
    const { stderr } = await promisify(execFile)('bash', ['scripts/plugin.sh', 'upgrade'], {
      cwd: repoRoot(),
      env: { ...process.env, DOCKER: docker, PLUGIN_NAME: 'registry.example/ovn' },
      encoding: 'utf8',
    });
    const calls = (await readFile(path.join(dir, 'calls'), 'utf8')).split('\n').filter((l) => !l.startsWith('plugin inspect'));
    return { stderr, calls: calls.filter(Boolean) };
  };

  it('sets again only changed sources of mounts the new release has, names the renamed ones, and enables', async () => {
    const { stderr, calls } = await upgrade(false);
    assert.deepEqual(calls, [
      'plugin disable -f registry.example/ovn',
      'plugin upgrade --grant-all-permissions registry.example/ovn',
      'plugin set registry.example/ovn ovs-run.source=/srv/ovs-run',
      'plugin enable registry.example/ovn',
    ]);
    assert.match(stderr, /mount ovn-ssl \(source \/etc\/ssl\/ovn\) is not a mount of this release: not set again/);
    assert.match(stderr, /mount docker-netns \(source \/var\/run\/docker\/netns\) is not a mount of this release/);
    assert.match(stderr, /upgraded to registry\.example\/ovn:latest and enabled/);
  });

  it('enables the upgraded plugin when a source cannot be set, saying how to set it by hand', async () => {
    const { stderr, calls } = await upgrade(true);
    assert.equal(calls.at(-1), 'plugin enable registry.example/ovn');
    assert.match(
      stderr,
      /warning: the mount sources could not be set again; set them by hand \(docker plugin disable registry\.example\/ovn; docker plugin set registry\.example\/ovn ovs-run\.source=\/srv\/ovs-run; docker plugin enable/,
    );
  });

  it("sets every source read before when the new release's mounts cannot be read", async () => {
    const { stderr, calls } = await upgrade(false, true);
    assert.match(stderr, /warning: the new release's mounts could not be read; setting every source read before/);
    assert.deepEqual(calls.slice(2), [`plugin set registry.example/ovn ${OLD_SETTINGS.join(' ')}`, 'plugin enable registry.example/ovn']);
  });
});
