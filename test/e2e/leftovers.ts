import { run } from '../harness/stack';
import type { Stack } from '../harness/stack';

/** Everything the driver could leave behind: owned NB rows, OVS ports in the bridge, veths on the host. */
export async function leftovers(
  stack: Stack,
): Promise<{ switches: string[]; ports: string[]; routers: string[]; routerPorts: string[]; addressSets: string[]; ovsPorts: string[]; veths: string[] }> {
  const lines = (s: string) => s.split('\n').map((l) => l.trim().replace(/^"|"$/g, '')).filter(Boolean);
  const switches = lines(await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'));
  const ports = lines(await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch_Port', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'));
  const routers = lines(await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Router', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'));
  const routerPorts = lines(await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Router_Port', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'));
  const addressSets = lines(await stack.nbctl('--bare', '--columns=name', 'find', 'Address_Set', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'));
  const ovsPorts = lines(await stack.vsctl('list-ports', stack.bridge));
  const veths = lines(await run('ip', ['-o', 'link', 'show'])).map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter((n) => /^ov[nc][0-9a-f]{12}$/.test(n));
  return { switches, ports, routers, routerPorts, addressSets, ovsPorts, veths };
}

export const NOTHING = { switches: [], ports: [], routers: [], routerPorts: [], addressSets: [], ovsPorts: [], veths: [] };
