import type { EndpointRecord, EndpointSpec, NetworkRecord } from './ovn.model';
import type { ExposedPort } from '../../domain/policy';
import type { NetworkSpec } from '../../domain/network-spec';

/**
 * Logical networks in the OVN Northbound DB. Each mutating method is one checked transaction;
 * reads come from the monitored cache. Injected by this abstract class as token.
 */
export abstract class NorthboundRepository {
  /** Creates the (vrf, subnet) switch or adds this network to it; idempotent for the same NetworkID. */
  abstract ensureNetwork(spec: NetworkSpec): Promise<NetworkRecord>;
  /**
   * Drops the network from its switch and removes the switch with its last network. Unknown IDs: no-op.
   * `sharedFrom`, this host's chassis, for a NetworkID every host shares (global scope): the network stays
   * while other hosts have endpoints on it; answers those hosts then (empty: removed, or never there).
   */
  abstract removeNetwork(networkId: string, sharedFrom?: string): Promise<string[]>;
  abstract findNetwork(networkId: string): NetworkRecord | undefined;
  /** Adds the endpoint's port; refuses an address another port on the switch holds. Idempotent per EndpointID. */
  abstract createEndpoint(spec: EndpointSpec, chassis: string | undefined): Promise<EndpointRecord>;
  /** Removes the endpoint's port. Unknown IDs: no-op. */
  abstract deleteEndpoint(endpointId: string): Promise<void>;
  /**
   * Lets an `exposed` endpoint's allow ACL in on `ports` when it names others (dockerd sends a container's
   * exposed ports with the CreateEndpoint of its first network only, with every Join). Otherwise a no-op.
   */
  abstract exposePorts(endpointId: string, ports: ExposedPort[]): Promise<void>;
  abstract findEndpoint(endpointId: string): EndpointRecord | undefined;
  /** Endpoints this driver created on `chassis`. */
  abstract endpointsOn(chassis: string): EndpointRecord[];
  /** This driver's endpoints on the network's switch that hold one of the addresses (plain, no prefix). */
  abstract endpointsHolding(networkId: string, ips: string[]): EndpointRecord[];
  /** Whether some logical port, on any switch, holds the address. */
  abstract addressHeld(ip: string): boolean;
  /** Networks created on `chassis`, each with how many endpoints (of any host) it has. */
  abstract networksOn(chassis: string): { network: NetworkRecord; endpoints: number }[];
  /**
   * The subnets a vrf routes: those of its switches with a gateway (a port on the vrf's router), but for
   * isolated ones (the router drops their traffic to and from the others).
   */
  abstract vrfSubnets(vrf: string): { subnet?: string; subnet6?: string }[];
  /**
   * Calls `listener` whenever the set of subnets some vrf routes may have changed (a switch added,
   * removed, or its gateway changed, by any host), and once the NB cache is (re)loaded (`initial`).
   */
  abstract onVrfChange(listener: (initial: boolean) => void): void;
}
