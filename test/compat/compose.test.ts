/**
 * Docker Compose v2 (the rootfs's docker-compose, as operators run it with Docker 26+) on this driver: the
 * compose file an application already has, with `driver:` changed. A project's default network without
 * options (Docker's IPAM picks the subnet), a second network with Docker's own MTU option, a service on
 * both; names resolve, the two networks stay apart as on the bridge driver, a recreated service gets its
 * networks back, and `docker compose down` leaves nothing in NB, OVS or on the host.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, docker } from '../harness/docker';
import { run } from '../harness/stack';
import { leftovers, NOTHING } from '../e2e/leftovers';
import { LABEL, useOvnDocker } from '../e2e/ovn-docker';
import { compatRootfs } from './rootfs-env';

const PROJECT = 'ovncompose';

/** The compose file: every object labelled so the shared clean-up finds what a failed step left. */
function composeFile(driver: string): string {
  const service = (networks: string[]) => `
    image: ${BUSYBOX_IMAGE}
    pull_policy: never
    command: [sleep, "600"]
    labels: ["${LABEL}"]
    networks: [${networks.join(', ')}]`;
  return `name: ${PROJECT}
services:
  web:${service(['default'])}
  api:${service(['default', 'back'])}
  db:${service(['back'])}
networks:
  default:
    driver: ${driver}
    labels: ["${LABEL}"]
  back:
    driver: ${driver}
    driver_opts:
      com.docker.network.driver.mtu: "1400"
    labels: ["${LABEL}"]
`;
}

describe('docker compose v2 on Docker 26 (compat)', () => {
  const t = useOvnDocker();
  let dir = '';

  /** docker-compose from the rootfs, on the project directory inside it; the engine's socket is the host's /run. */
  const compose = (...args: string[]) =>
    run('chroot', [compatRootfs(), 'docker-compose', '--project-directory', '/tmp/ovncompose', '-p', PROJECT, ...args], {
      env: { ...process.env, HOME: '/tmp' },
      timeout: 180_000,
    });
  const container = (service: string) => `${PROJECT}-${service}-1`;
  const ping = (from: string, target: string) => docker('exec', container(from), 'ping', '-c', '1', '-W', '2', target);

  before(async () => {
    dir = path.join(compatRootfs(), 'tmp', 'ovncompose');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'compose.yaml'), composeFile(t.driver.name));
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // One test: the shared afterEach removes every labelled container and network.
  it('up, up --force-recreate and down of a two-network app: names resolve, networks stay apart, nothing left', async () => {
    assert.match(await compose('version'), /version v?2\./, 'Compose v2');
    await compose('up', '-d');
    const running = (await docker('ps', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Names}}')).split('\n');
    assert.deepEqual(running.filter(Boolean).sort(), ['api', 'db', 'web'].map(container));

    await ping('web', 'api');
    await ping('api', 'web');
    await ping('api', 'db');
    await ping('db', 'api');
    // web and db share no network: db's name is unknown to web, and its address unreachable, as on the bridge driver.
    await assert.rejects(ping('web', 'db'), /bad address|failed/);
    const dbIp = (
      await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${PROJECT}_back").IPAddress}}`, container('db'))
    ).trim();
    assert.match(dbIp, /^\d+\.\d+\.\d+\.\d+$/);
    await assert.rejects(ping('web', dbIp), /100% packet loss|failed/);
    // Docker's own MTU option, as compose files written for the bridge driver pass it; db is on that network only.
    assert.equal((await docker('exec', container('db'), 'cat', '/sys/class/net/eth0/mtu')).trim(), '1400');

    // A recreated service on both networks gets both back.
    await compose('up', '-d', '--force-recreate', 'api');
    await ping('api', 'web');
    await ping('api', 'db');
    await ping('web', 'api');
    await ping('db', 'api');

    await compose('down');
    assert.equal((await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`)).trim(), '');
    assert.equal((await docker('network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`)).trim(), '');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
