import { overlaps, parseSubnet, type Subnet } from '../../domain/address';
import type { SandboxRoute, SandboxState } from '../host/sandbox-route-ops';

/** One of this driver's endpoints in the sandbox: its network's vrf, subnets and gateways. */
export interface SandboxEndpoint {
  networkId: string;
  vrf: string;
  subnet: string;
  gateway?: string;
  subnet6?: string;
  gateway6?: string;
  /** Its subnet is isolated from the vrf's others: routes through it would lead to the router's drop. */
  isolated?: boolean;
}

/** A routed subnet of a vrf: a switch with a gateway on the vrf's router. */
export interface VrfSubnet {
  subnet?: string;
  subnet6?: string;
}

export interface RoutePlan {
  add: SandboxRoute[];
  remove: SandboxRoute[];
}

/**
 * The routes a sandbox should carry to the other networks of its endpoints' vrfs, and what to change to
 * get there from `state`. Dockerd only adds routes when an interface joins (libnetwork osl), so routes
 * handed over by Join could not follow the vrf or make way for a network the container joins later; the
 * driver keeps them itself:
 * - per vrf, via the gateway of one endpoint whose address is already in the sandbox (lowest NetworkID,
 *   so the choice is stable) and whose subnet is not isolated; none yet: no route for that vrf yet;
 * - never to a subnet that overlaps a subnet the sandbox is on, or one of this driver's endpoints in
 *   the sandbox is joining: dockerd refuses an address under a route (libnetwork osl checkRouteConflict)
 *   and the kernel refuses a route equal to a connected one ("file exists");
 * - a route to a subnet on two vrfs the container joins goes via the first vrf only (the two overlap).
 */
export function planSandboxRoutes(endpoints: SandboxEndpoint[], vrfSubnets: (vrf: string) => VrfSubnet[], state: SandboxState): RoutePlan {
  const taken: Subnet[] = [
    ...state.addresses.map((a) => parseSubnet(a)),
    ...endpoints.flatMap((e) => [e.subnet, e.subnet6].filter((s): s is string => !!s).map((s) => parseSubnet(s))),
  ];
  const inSandbox = (subnet: string | undefined) => !!subnet && state.addresses.some((a) => overlaps(parseSubnet(a), parseSubnet(subnet)));
  const wanted = new Map<string, SandboxRoute>();
  const want = (destination: string | undefined, via: string | undefined): void => {
    if (!destination || !via) return;
    const dst = parseSubnet(destination);
    if (taken.some((t) => overlaps(t, dst)) || [...wanted.values()].some((r) => overlaps(parseSubnet(r.destination), dst))) return;
    wanted.set(dst.cidr, { destination: dst.cidr, via });
  };
  const sorted = [...endpoints].sort((a, b) => a.networkId.localeCompare(b.networkId));
  for (const vrf of new Set(sorted.map((e) => e.vrf))) {
    const members = sorted.filter((e) => e.vrf === vrf && !e.isolated);
    const via4 = members.find((e) => e.gateway && inSandbox(e.subnet))?.gateway;
    const via6 = members.find((e) => e.gateway6 && inSandbox(e.subnet6))?.gateway6;
    for (const s of vrfSubnets(vrf)) {
      want(s.subnet, via4);
      want(s.subnet6, via6);
    }
  }
  const current = new Map(state.routes.map((r) => [parseSubnet(r.destination).cidr, r]));
  const add = [...wanted.values()].filter((r) => current.get(r.destination)?.via !== r.via);
  const remove = [...current.entries()].filter(([dst]) => !wanted.has(dst)).map(([, r]) => r);
  return { add, remove };
}
