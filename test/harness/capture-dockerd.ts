/**
 * Captures what a Docker engine sends a remote network + IPAM driver, as test/fixtures/*.jsonl: the driver
 * runs on a hidden socket, a CaptureProxy stands where dockerd looks for plugin NAME, and a fixed scenario
 * of docker commands runs through it (IPv6 with published ports; this driver's IPAM with a vrf; an internal
 * network with -o mtu and -o vrf, connected and disconnected live). Used to make the dockerd-*.jsonl files;
 * under DOCKER_ROOTFS/STACK_ROOTFS (scripts/compat-run.sh) it captures the rootfs's engine.
 *
 *   node dist/test/harness/capture-dockerd.js test/fixtures/dockerd-VERSION-scenario.jsonl
 *
 * The client is $DOCKER (the harness's default otherwise); a current CLI shows what current clients make
 * the engine send.
 */
import { writeFile } from 'node:fs/promises';
import { CaptureProxy } from './capture-proxy';
import { BUSYBOX_IMAGE, docker, ensureDocker } from './docker';
import { DriverProcess } from './driver-process';
import { Stack } from './stack';

const NAME = 'ovncapture';

async function scenario(): Promise<void> {
  const run = async (net: string, ...extra: string[]) =>
    (await docker('run', '-d', '--net', net, ...extra, BUSYBOX_IMAGE, 'sleep', '600')).trim();
  const d = NAME;
  await docker(
    'network',
    'create',
    '-d',
    d,
    '--ipv6',
    '--subnet',
    '10.41.0.0/24',
    '--gateway',
    '10.41.0.1',
    '--subnet',
    'fd00:41::/64',
    '--gateway',
    'fd00:41::1',
    'cap-v6',
  );
  const web = await run('cap-v6', '-p', '9000:9000', '--expose', '80');
  await docker('stop', '-t', '1', web);
  await docker('rm', web);
  await docker('network', 'rm', 'cap-v6');

  await docker('network', 'create', '-d', d, '--ipam-driver', d, '--subnet', '10.48.0.0/24', '-o', 'vrf=blue', 'cap-ipam');
  await docker(
    'network',
    'create',
    '-d',
    d,
    '--internal',
    '--subnet',
    '10.49.0.0/24',
    '--gateway',
    '10.49.0.1',
    '-o',
    'mtu=1400',
    '-o',
    'vrf=red',
    'cap-internal',
  );
  const a = await run('cap-ipam');
  const b = await run('cap-ipam', '--ip', '10.48.0.77');
  await docker('network', 'connect', 'cap-internal', a);
  await docker('network', 'disconnect', 'cap-internal', a);
  await docker('rm', '-f', a, b);
  await docker('network', 'rm', 'cap-ipam', 'cap-internal');
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: capture-dockerd.js OUT.jsonl');
  const stack = await Stack.up();
  const engine = await ensureDocker();
  const driver = await DriverProcess.start({ stack, name: `${NAME}-driver`, socket: `${stack.dir}/driver.sock` });
  const proxy = await CaptureProxy.start(`/run/docker/plugins/${NAME}.sock`, driver.socket);
  try {
    await scenario();
  } finally {
    await proxy.close();
    await driver.stop();
    await stack.down();
    await engine.stop();
  }
  await writeFile(out, proxy.jsonl());
  console.log(`${proxy.requests.length} requests in ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
