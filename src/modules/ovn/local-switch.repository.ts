import type { PortRecord } from './ovn.model';

/** What Join asks of the local Open_vSwitch DB. */
export interface AttachSpec {
  bridge: string;
  /** Host end of the veth: OVS Port and Interface name. */
  portName: string;
  /** external_ids:iface-id, the LSP name ovn-controller binds to this chassis. */
  ifaceId: string;
  mac: string;
  /** external_ids:vm-id, the sandbox; absent until Join names it (the port is made in CreateEndpoint). */
  sandbox?: string;
  /** The SandboxKey path, so the sandbox's routes can be kept after a restart; absent until Join. */
  sandboxKey?: string;
  networkId: string;
}

/**
 * br-int ports in the local Open_vSwitch DB, one checked transaction per change, reads from the cache.
 * Injected by this abstract class as token.
 */
export abstract class LocalSwitchRepository {
  /** This host's OVN chassis name (Open_vSwitch external_ids:system-id). */
  abstract chassis(): string | undefined;
  /**
   * The name this host's records carry: the chassis name, else (no system-id set) the host name. An
   * UnavailableError while the local Open_vSwitch DB is not synced: a guess then could differ later.
   */
  abstract hostChassis(): string;
  /**
   * The tunnel this chassis reaches the others with (Open_vSwitch external_ids:ovn-encap-type, as given,
   * and the first address of ovn-encap-ip); undefined while either is unset.
   */
  abstract encapsulation(): { types: string; ip: string } | undefined;
  /**
   * The bridge's datapath_type: "netdev" for OVS's userspace datapath, "" or "system" for the kernel's;
   * undefined while the bridge is not in the cache (not connected yet, or no such bridge).
   */
  abstract datapathType(bridge: string): string | undefined;
  /** Adds the port, first removing any other port carrying the same iface-id (ovn-kubernetes does the same). */
  abstract attachPort(spec: AttachSpec): Promise<void>;
  /** Removes every port carrying the iface-id. No port: no-op. */
  abstract detachPort(ifaceId: string): Promise<void>;
  /**
   * Records the sandbox a port joined (vm-id and SandboxKey) on its Interface. Only the driver's own keys
   * change (a map mutation), so ovn-controller's `ovn-installed` and the binding stay as they are.
   */
  abstract setSandbox(ifaceId: string, sandbox: { id: string; key: string }): Promise<void>;
  /** The port carrying the iface-id; an UnavailableError while the local OVS DB is not connected and synced. */
  abstract findPort(ifaceId: string): PortRecord | undefined;
  /** Every port this driver added to the local OVS DB. */
  abstract ownedPorts(): PortRecord[];
  /**
   * Resolves once ovn-controller has marked the interface `external_ids:ovn-installed="true"`,
   * i.e. its flows are in and the first packet will not be lost; rejects after `timeoutMs`.
   */
  abstract waitInstalled(ifaceId: string, timeoutMs: number): Promise<void>;
}
