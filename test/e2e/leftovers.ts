import type { Stack } from '../harness/stack';

/**
 * Everything the driver could leave behind: owned NB rows, OVS ports in the bridge, veths on the host (the
 * stack's network namespace when it has one: there the driver of that "host" runs).
 */
export async function leftovers(stack: Stack): Promise<{
  switches: string[];
  ports: string[];
  routers: string[];
  routerPorts: string[];
  routerPolicies: string[];
  addressSets: string[];
  ipamRows: string[];
  portGroups: string[];
  acls: string[];
  meters: string[];
  ovsPorts: string[];
  veths: string[];
}> {
  const lines = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trim().replace(/^"|"$/g, ''))
      .filter(Boolean);
  const switches = lines(
    await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'),
  );
  const ports = lines(
    await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Switch_Port', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'),
  );
  const routers = lines(
    await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Router', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'),
  );
  const routerPorts = lines(
    await stack.nbctl('--bare', '--columns=name', 'find', 'Logical_Router_Port', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'),
  );
  const owned = async (table: string, column: string) =>
    lines(await stack.nbctl('--bare', `--columns=${column}`, 'find', table, 'external_ids:docker-ovn\\:owner=docker-ovn-driver'));
  const routerPolicies = await owned('Logical_Router_Policy', 'match');
  const portGroups = await owned('Port_Group', 'name');
  // ACLs and meter bands are not root rows: any of ours still there is referenced by something left.
  const acls = await owned('ACL', 'name');
  const meters = [...(await owned('Meter', 'name')), ...(await owned('Meter_Band', '_uuid'))];
  const addressSets = lines(
    await stack.nbctl('--bare', '--columns=name', 'find', 'Address_Set', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'),
  );
  const ipamRows = lines(
    await stack.nbctl('--bare', '--columns=cidr', 'find', 'DHCP_Options', 'external_ids:docker-ovn\\:owner=docker-ovn-driver'),
  );
  // ovn-controller's own tunnel ports to other chassis are not the driver's.
  const tunnels = new Set(lines(await stack.vsctl('--bare', '--columns=name', 'find', 'Interface', 'type=geneve')));
  const ovsPorts = lines(await stack.vsctl('list-ports', stack.bridge)).filter((p) => !tunnels.has(p));
  // The driver makes its veths where it runs: in the stack's namespace (another "host"), else here.
  const veths = lines(await stack.links())
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((n) => /^ov[nc][0-9a-f]{12}$/.test(n));
  return { switches, ports, routers, routerPorts, routerPolicies, addressSets, ipamRows, portGroups, acls, meters, ovsPorts, veths };
}

export const NOTHING = {
  switches: [],
  ports: [],
  routers: [],
  routerPorts: [],
  routerPolicies: [],
  addressSets: [],
  ipamRows: [],
  portGroups: [],
  acls: [],
  meters: [],
  ovsPorts: [],
  veths: [],
};
