/**
 * Docker Compose v2 (the rootfs's docker-compose, as operators run it with Docker 26+) on this driver: the
 * README's two compose files ("Docker Compose"), as written but for the driver's test name.
 * - An app's project: its default network without options (Docker's IPAM picks the subnet), a second
 *   network with Docker's own MTU option, a service on both; names resolve, the two networks stay apart as
 *   on the bridge driver, a recreated service gets its networks back.
 * - The multi-host shape (README "Multi-host"): pools from this driver as IPAM driver in a named vrf,
 *   dual stack, a scaled service, restart, stop/start, and dockerd itself restarting.
 * `docker compose down` leaves nothing in NB, OVS or on the host, each time.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { docBlock } from '../harness/doc-blocks';
import { DEFAULT_DOCKER_DIR, docker, ensureDocker } from '../harness/docker';
import { repoRoot, run, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from '../e2e/leftovers';
import { useOvnDocker } from '../e2e/ovn-docker';
import { compatRootfs } from './rootfs-env';

/** The project directory, inside the rootfs where docker-compose runs. */
const DIR = '/tmp/ovncompose';
/**
 * The stop timeout of commands that stop containers: the services' `sleep` runs as PID 1, which ignores
 * SIGTERM, so each stop would wait Docker's 10 s for nothing before SIGKILL.
 */
const STOP = ['-t', '1'];

describe('docker compose v2 on Docker 26 (compat)', () => {
  const t = useOvnDocker();
  let dir = '';

  /** docker-compose from the rootfs on project `project` (its file: DIR/<project>.yaml); the engine's socket is the host's /run. */
  const compose = (project: string, ...args: string[]) =>
    run('chroot', [compatRootfs(), 'docker-compose', '--project-directory', DIR, '-f', `${DIR}/${project}.yaml`, '-p', project, ...args], {
      env: { ...process.env, HOME: '/tmp' },
      timeout: 180_000,
    });
  const ping = (from: string, target: string) => docker('exec', from, 'ping', '-c', '1', '-W', '2', target);
  const addressOf = async (container: string, network: string, field = 'IPAddress') =>
    (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").${field}}}`, container)).trim();
  const containersOf = async (project: string, all = false) =>
    (await docker('ps', ...(all ? ['-a'] : []), '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'))
      .split('\n')
      .filter(Boolean)
      .sort();
  /** compose down, then nothing of the project in dockerd, and nothing of the driver's anywhere. */
  const down = async (project: string) => {
    await compose(project, 'down', ...STOP);
    assert.deepEqual(await containersOf(project, true), []);
    assert.equal((await docker('network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`)).trim(), '');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  };

  before(async () => {
    dir = path.join(compatRootfs(), DIR);
    await mkdir(dir, { recursive: true });
    // The README says `driver: ovn`; this driver runs under a test name.
    for (const [project, id] of [
      ['ovnapp', 'compose-app'],
      ['ovnshared', 'compose-shared'],
    ])
      await writeFile(path.join(dir, `${project}.yaml`), docBlock(id).replace(/driver: ovn$/gm, `driver: ${t.driver.name}`));
  });

  afterEach(async () => {
    // What a failed test left, while the driver still runs: the projects are not labelled for useOvnDocker's clean-up.
    for (const project of ['ovnapp', 'ovnshared']) await compose(project, 'down', ...STOP).catch(() => undefined);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an app: up, up --force-recreate and down; names resolve, networks stay apart, the MTU option holds', async () => {
    assert.match(await compose('ovnapp', 'version'), /version v?2\./, 'Compose v2');
    await compose('ovnapp', 'up', '-d');
    assert.deepEqual(await containersOf('ovnapp'), ['ovnapp-api-1', 'ovnapp-db-1', 'ovnapp-web-1']);

    await ping('ovnapp-web-1', 'api');
    await ping('ovnapp-api-1', 'web');
    await ping('ovnapp-api-1', 'db');
    await ping('ovnapp-db-1', 'api');
    // web and db share no network: db's name is unknown to web, and its address unreachable, as on the bridge driver.
    await assert.rejects(ping('ovnapp-web-1', 'db'), /bad address|failed/);
    const dbIp = await addressOf('ovnapp-db-1', 'ovnapp_back');
    assert.match(dbIp, /^\d+\.\d+\.\d+\.\d+$/);
    await assert.rejects(ping('ovnapp-web-1', dbIp), /100% packet loss|failed/);
    // Docker's own MTU option, as compose files written for the bridge driver pass it; db is on that network only.
    assert.equal((await docker('exec', 'ovnapp-db-1', 'cat', '/sys/class/net/eth0/mtu')).trim(), '1400');

    // A recreated service on both networks gets both back.
    await compose('ovnapp', 'up', '-d', '--force-recreate', ...STOP, 'api');
    await ping('ovnapp-api-1', 'web');
    await ping('ovnapp-api-1', 'db');
    await ping('ovnapp-web-1', 'api');
    await ping('ovnapp-db-1', 'api');

    await down('ovnapp');
  });

  it('the multi-host shape: OVN IPAM in a named vrf, dual stack, --scale, restart, stop and start, the engine restarting', async () => {
    await compose('ovnshared', 'up', '-d', '--scale', 'web=3');
    const webs = ['ovnshared-web-1', 'ovnshared-web-2', 'ovnshared-web-3'];
    assert.deepEqual(await containersOf('ovnshared'), ['ovnshared-api-1', 'ovnshared-db-1', ...webs]);
    const reachable = async () => {
      const api6 = await addressOf('ovnshared-api-1', 'ovnshared_front', 'GlobalIPv6Address');
      assert.match(api6, /^fd00:121:1::/);
      for (const web of webs) {
        await ping(web, 'api');
        await ping(web, api6);
        // A named vrf routes its subnets: web reaches db's network through the vrf router.
        await ping(web, await addressOf('ovnshared-db-1', 'ovnshared_back'));
      }
      await ping('ovnshared-db-1', 'api');
    };
    await reachable();
    // The pools are the driver's, in NB (src/modules/ovn/ipam-rows.ts): the subnets as the compose file gives them.
    const pools = (await t.stack.nbctl('--bare', '--columns=cidr', 'find', 'DHCP_Options', 'external_ids:docker-ovn\\:ipam=pool'))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
    assert.deepEqual(pools, ['10.121.1.0/24', '10.121.2.0/24', 'fd00:121:1::/64']);

    await compose('ovnshared', 'restart', ...STOP);
    await reachable();
    await compose('ovnshared', 'stop', ...STOP);
    assert.deepEqual(await containersOf('ovnshared'), []);
    await compose('ovnshared', 'start');
    await reachable();

    // The engine restarting (an upgrade, a reboot): the services with a restart policy come back by
    // themselves, the others with `start`, on endpoints the driver makes anew; nothing of the old ones stays.
    await run('bash', [path.join(repoRoot(), 'scripts', 'docker-up.sh'), 'down', DEFAULT_DOCKER_DIR], { timeout: 120_000 });
    await ensureDocker();
    await waitFor(async () => (await containersOf('ovnshared')).join() === webs.join() || undefined, {
      timeoutMs: 60_000,
      what: 'the web containers restarted by dockerd',
    });
    await compose('ovnshared', 'start');
    await reachable();

    await down('ovnshared');
  });
});
