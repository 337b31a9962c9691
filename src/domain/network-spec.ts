import { createHash } from 'node:crypto';
import { BadRequestError } from '../protocol/errors';
import type { CreateNetworkRequest, IPAMData } from '../protocol/network.dto';
import { SWARM_ID } from '../protocol/wire-formats';
import { addressOf, contains, parseSubnet, Subnet } from './address';
import { INGRESS_MODES, INGRESS_OPTION, parseIngressMode, type IngressMode } from './policy';

/** Docker's option keys in CreateNetwork (libnetwork/netlabel/labels.go). */
export const GENERIC_OPTIONS = 'com.docker.network.generic';
export const INTERNAL = 'com.docker.network.internal';
/**
 * Docker's own MTU option (netlabel.DriverMTU), which its bridge and overlay drivers take: what compose
 * files and scripts written for those drivers pass (`driver_opts`, `-o`). The same as `mtu` here.
 */
export const DRIVER_MTU = 'com.docker.network.driver.mtu';

/** The `-o` options this driver understands, with what they mean. */
export const SUPPORTED_OPTIONS: Record<string, string> = {
  vrf: 'name of the routing domain; networks with the same vrf and subnet share one OVN switch (default "default"; with Docker\'s IPAM, this host\'s own: local.<chassis>)',
  mtu: 'MTU of the container interface (68-65535; default: what the tunnel between hosts leaves, at most 1500)',
  [INGRESS_OPTION]: `what reaches its containers from other containers: ${INGRESS_MODES.join(', ')} (default open; exposed: only the ports a container exposes)`,
  isolated: 'true: no routing to or from the other subnets of the vrf (default true without -o vrf, false with it)',
  [DRIVER_MTU]: "the same as mtu (Docker's own key, as its bridge and overlay drivers take it)",
};

/**
 * Docker's own switches, which dockerd reads from `-o` (and daemon.json's default-network-opts) since 27.0,
 * leaving them among the driver's options (moby daemon/network.go createNetwork, netlabel.EnableIPv4/
 * EnableIPv6): by the time they arrive dockerd has applied them, and IPv4Data/IPv6Data say the outcome.
 */
const DOCKER_APPLIED_OPTIONS = new Set([
  'com.docker.network.enable_ipv4',
  'com.docker.network.enable_ipv6',
  // 28.0: unsolicited ARP/NA after an address is set, read and checked by libnetwork for every driver.
  'com.docker.network.advertise_addr_nmsgs',
  'com.docker.network.advertise_addr_ms',
]);

/** vrf names become part of OVN object names and external_ids. */
const VRF_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
export const DEFAULT_VRF = 'default';

/**
 * The address space of Docker's built-in IPAM on one engine (libnetwork ipamapi LocalDefaultAddressSpace): it
 * hands out a subnet's addresses per host, each host from the same first one. Its GlobalDefault space is
 * the swarm managers' for a swarm network (a swarm NetworkID), which they allocate for the whole cluster:
 * one pool, as OVN IPAM. A global-scope network made on an engine outside a swarm gets GlobalDefault from
 * that engine's own IPAM, per host like LocalDefault.
 */
function perHostDockerIpam(req: CreateNetworkRequest): boolean {
  const space = req.IPv4Data?.[0]?.AddressSpace ?? '';
  return space === 'LocalDefault' || (space === 'GlobalDefault' && !SWARM_ID.test(req.NetworkID));
}

/**
 * The vrf of a network made without -o vrf whose addresses come from Docker's IPAM: this host's own. Every
 * host's Docker IPAM picks the same default subnets (172.18.0.0/16 first) and the same first addresses, so
 * two hosts' compose projects in one shared vrf would be one switch with colliding addresses; in a vrf of
 * their own they are apart, as on Docker's bridge driver. The chassis name when it fits a vrf name, else a
 * digest of it (system-ids are often UUIDs).
 */
export function hostVrf(chassis: string): string {
  const name = /^[A-Za-z0-9_.-]{1,26}$/.test(chassis) ? chassis : createHash('sha256').update(chassis).digest('hex').slice(0, 12);
  return `local.${name}`;
}

export interface AddressPool {
  subnet: Subnet;
  /** Plain gateway address, when the network has one. */
  gateway?: string;
}

/** A network as the driver models it, parsed from CreateNetwork. */
export interface NetworkSpec {
  networkId: string;
  vrf: string;
  /** The chassis (OVS system-id) of the host creating it. */
  chassis: string;
  /** Its addresses come from Docker's built-in IPAM, which hands them out per host. */
  dockerIpam: boolean;
  mtu?: number;
  internal: boolean;
  /** The ingress mode of its endpoints unless an endpoint says otherwise. */
  ingress: IngressMode;
  /**
   * The vrf router drops what its subnet sends to or receives from the vrf's other subnets. A property of
   * the switch (vrf, subnet), which networks on several hosts share: they must agree on it.
   */
  isolated: boolean;
  ipv4: AddressPool;
  ipv6?: AddressPool;
  /** OVN_DRIVER_SCOPE=global: one NetworkID on every host, each host's presence recorded (set by the service). */
  shared?: boolean;
}

function parsePool(data: IPAMData, family: 4 | 6): AddressPool {
  const subnet = parseSubnet(data.Pool);
  if (subnet.family !== family) throw new BadRequestError(`IPv${family}Data pool ${data.Pool} is not an IPv${family} subnet`);
  if (!data.Gateway) return { subnet };
  const gateway = addressOf(data.Gateway);
  if (!contains(subnet, gateway)) throw new BadRequestError(`gateway ${data.Gateway} is outside the pool ${subnet.cidr}`);
  return { subnet, gateway };
}

function parseMtu(generic: Record<string, unknown>): number | undefined {
  const given = (['mtu', DRIVER_MTU] as const).filter((k) => generic[k] !== undefined);
  if (given.length === 0) return undefined;
  const values = given.map((key) => {
    const raw = generic[key];
    const mtu = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
      throw new BadRequestError(`${key} ${JSON.stringify(raw)} must be a whole number from 68 to 65535`);
    return mtu;
  });
  if (values.length === 2 && values[0] !== values[1])
    throw new BadRequestError(`mtu ${values[0]} and ${DRIVER_MTU} ${values[1]} disagree; give one of them`);
  return values[0];
}

function onePool(list: IPAMData[] | null | undefined, family: 4 | 6): AddressPool | undefined {
  if (!list || list.length === 0) return undefined;
  if (list.length > 1) throw new BadRequestError(`only one IPv${family} subnet per network is supported, got ${list.length}`);
  return parsePool(list[0], family);
}

/**
 * Parses and checks a CreateNetwork request made on the host `chassis()` names; refuses what the driver
 * cannot honour, naming why. `chassis` is asked only once the request is known good (it may need the
 * local OVS DB, and a bad request is told so whatever the DBs do).
 */
export function parseNetworkSpec(req: CreateNetworkRequest, chassis: () => string): NetworkSpec {
  const options = req.Options ?? {};
  const generic = (options[GENERIC_OPTIONS] ?? {}) as Record<string, unknown>;
  if (typeof generic !== 'object' || Array.isArray(generic)) throw new BadRequestError(`${GENERIC_OPTIONS} must be an object`);
  // Own keys only: `"toString" in {}` is true.
  const unknown = Object.keys(generic).filter((k) => !Object.hasOwn(SUPPORTED_OPTIONS, k) && !DOCKER_APPLIED_OPTIONS.has(k));
  if (unknown.length > 0) {
    const supported = Object.entries(SUPPORTED_OPTIONS)
      .map(([k, v]) => `${k} (${v})`)
      .join(', ');
    throw new BadRequestError(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; supported options: ${supported}`);
  }
  const dockerIpam = perHostDockerIpam(req);
  // -o values arrive as strings; anything else (an object, "0x578", " 1400") is refused, not coerced.
  const vrf = generic.vrf === undefined ? DEFAULT_VRF : generic.vrf;
  if (typeof vrf !== 'string' || !VRF_NAME.test(vrf))
    throw new BadRequestError(`vrf ${JSON.stringify(vrf)} must be 1-32 letters, digits, '.', '_' or '-'`);
  const mtu = parseMtu(generic);
  const ingress = generic[INGRESS_OPTION] === undefined ? 'open' : parseIngressMode(generic[INGRESS_OPTION], INGRESS_OPTION);
  // Networks made without -o vrf share a vrf ("default", or this host's with Docker's IPAM): two compose
  // projects would route to each other, where Docker's bridge driver keeps them apart. Naming a vrf is
  // asking for its routing.
  const isolatedRaw = generic.isolated ?? String(generic.vrf === undefined);
  if (isolatedRaw !== 'true' && isolatedRaw !== 'false')
    throw new BadRequestError(`isolated ${JSON.stringify(isolatedRaw)} must be true or false`);
  const ipv4 = onePool(req.IPv4Data, 4);
  // Docker 28's --ipv4=false sends IPv4Data empty: the logical switch, router port and OVN IPAM need one.
  if (!ipv4)
    throw new BadRequestError('an IPv4 subnet is required (IPv4Data is empty): IPv6-only networks (--ipv4=false) are not supported');
  const ipv6 = onePool(req.IPv6Data, 6);
  const host = chassis();
  return {
    networkId: req.NetworkID,
    vrf: generic.vrf === undefined && dockerIpam ? hostVrf(host) : vrf,
    chassis: host,
    dockerIpam,
    mtu,
    internal: options[INTERNAL] === true,
    ingress,
    isolated: isolatedRaw === 'true',
    ipv4,
    ipv6,
  };
}
