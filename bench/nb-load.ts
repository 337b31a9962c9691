/**
 * Bulk rows in NB for B3 and B4, written through ovsdb-client: one transaction per batch of switches, each
 * switch inserted with its ports (about 86k rows/s here, against ~120/s for one ovn-nbctl per row).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { namedUuid, op, Op, OvsdbClient } from 'ovsdb-client';
import { run } from '../test/harness/stack';
import type { Stack } from '../test/harness/stack';
import {
  ADDRESS_KEY,
  CHASSIS_KEY,
  ENDPOINT_ID_KEY,
  NETWORK_ID_KEY,
  OWNER,
  OWNER_KEY,
  SUBNET_KEY,
  SWITCH_KEY,
  VRF_KEY,
  networkKey,
  switchName,
} from '../src/modules/ovn/ownership';
import { clientEnv, dockerId } from './lib';

export interface LoadSpec {
  switches: number;
  portsPerSwitch: number;
  /**
   * foreign: rows another system made (no docker-ovn:owner), as in B3.
   * owned: networks and endpoints of this driver on another chassis, as a busy cluster shows one host (B4).
   */
  kind: 'foreign' | 'owned';
  /** Switches per transaction. */
  batch?: number;
}

export interface Loaded {
  switchNames: string[];
  ports: number;
  /** An endpoint ID of the load (owned only): the driver knows it once its cache holds the rows. */
  someEndpoint?: { networkId: string; endpointId: string };
  seconds: number;
}

const mac = (n: number) => `0a:58:${[24, 16, 8, 0].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, '0')).join(':')}`;

/** 10.(100 + i/256).(i%256).0/24: distinct subnets for up to 38,000 switches. */
const subnetOf = (i: number) => `10.${100 + Math.floor(i / 256)}.${i % 256}`;

export async function loadNb(stack: Stack, spec: LoadSpec): Promise<Loaded> {
  const t0 = performance.now();
  const nb = new OvsdbClient({ remotes: stack.nbRemote, database: 'OVN_Northbound', tables: { NB_Global: ['nb_cfg'] } }).start();
  await nb.ready({ timeoutMs: 20_000 });
  const batch = spec.batch ?? 50;
  const switchNames: string[] = [];
  let someEndpoint: Loaded['someEndpoint'];
  let counter = 0;
  try {
    for (let first = 0; first < spec.switches; first += batch) {
      const ops: Op[] = [];
      for (let i = first; i < Math.min(spec.switches, first + batch); i++) {
        const net = subnetOf(i);
        const networkId = dockerId();
        const name = spec.kind === 'owned' ? switchName('bench', `${net}.0/24`) : `bench-foreign-${i}`;
        switchNames.push(name);
        const ports: ReturnType<typeof namedUuid>[] = [];
        for (let j = 0; j < spec.portsPerSwitch; j++) {
          const ip = `${net}.${j + 2}`;
          const m = mac(++counter);
          const uuidName = `p${i}_${j}`;
          ports.push(namedUuid(uuidName));
          if (spec.kind === 'owned') {
            const endpointId = dockerId();
            someEndpoint ??= { networkId, endpointId };
            ops.push(
              op.insert(
                'Logical_Switch_Port',
                {
                  name: endpointId,
                  addresses: [`${m} ${ip}`],
                  port_security: [`${m} ${ip}`],
                  external_ids: {
                    [OWNER_KEY]: OWNER,
                    [NETWORK_ID_KEY]: networkId,
                    [ENDPOINT_ID_KEY]: endpointId,
                    [ADDRESS_KEY]: `${ip}/24`,
                    [CHASSIS_KEY]: 'bench-other-host',
                  },
                },
                { uuidName },
              ),
            );
          } else {
            ops.push(
              op.insert(
                'Logical_Switch_Port',
                {
                  name: `bench-f-${i}-${j}`,
                  addresses: [`${m} ${ip}`],
                  port_security: [`${m} ${ip}`],
                  external_ids: { 'bench:foreign': 'true' },
                },
                { uuidName },
              ),
            );
          }
        }
        const external_ids: Record<string, string> =
          spec.kind === 'owned'
            ? {
                [OWNER_KEY]: OWNER,
                [SWITCH_KEY]: `bench|${net}.0/24`,
                [VRF_KEY]: 'bench',
                [SUBNET_KEY]: `${net}.0/24`,
                [networkKey(networkId)]: JSON.stringify({ subnet: `${net}.0/24` }),
              }
            : { 'bench:foreign': 'true' };
        ops.push(op.insert('Logical_Switch', { name, ports, external_ids }));
      }
      await nb.transact(ops, { timeoutMs: 60_000 });
    }
  } finally {
    await nb.close();
  }
  return { switchNames, ports: counter, someEndpoint, seconds: (performance.now() - t0) / 1000 };
}

/** Deletes the switches (their ports go with them: Logical_Switch_Port is not a root table). */
export async function unloadNb(stack: Stack, loaded: Loaded, batch = 200): Promise<void> {
  const nb = new OvsdbClient({ remotes: stack.nbRemote, database: 'OVN_Northbound', tables: { NB_Global: ['nb_cfg'] } }).start();
  await nb.ready({ timeoutMs: 20_000 });
  try {
    for (let i = 0; i < loaded.switchNames.length; i += batch) {
      await nb.transact(
        loaded.switchNames.slice(i, i + batch).map((name) => op.delete('Logical_Switch', [['name', '==', name]])),
        { timeoutMs: 60_000 },
      );
    }
  } finally {
    await nb.close();
  }
}

/** Waits until ovn-northd and ovn-controller have processed NB (`ovn-nbctl --wait=hv sync`). */
export async function settle(stack: Stack, timeoutSec = 300): Promise<number> {
  const t0 = performance.now();
  await run('ovn-nbctl', [`--db=${stack.nbRemote}`, `--timeout=${timeoutSec}`, '--wait=hv', 'sync'], {
    env: clientEnv(stack),
    timeout: (timeoutSec + 10) * 1000,
  });
  return (performance.now() - t0) / 1000;
}

/**
 * Runs `f` with the stack's ovn-northd and ovn-controller (or only `daemons`) stopped (SIGSTOP), then lets
 * them go on and catch up. The OVSDB servers and ovs-vswitchd keep running: transactions and ports work,
 * nothing is translated into flows meanwhile.
 */
export async function withOvnDaemonsStopped(
  stack: Stack,
  f: () => Promise<void>,
  daemons: readonly ('northd' | 'ovn-controller')[] = ['northd', 'ovn-controller'],
): Promise<void> {
  const pids: number[] = [];
  for (const file of daemons.map((d) => `${d}.pid`)) {
    const pid = Number((await readFile(path.join(stack.dir, file), 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file} of ${stack.dir}`);
    pids.push(pid);
  }
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  try {
    await f();
  } finally {
    for (const pid of pids) process.kill(pid, 'SIGCONT');
  }
  await settle(stack);
}
