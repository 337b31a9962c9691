/** A route this driver keeps in a container's network namespace. */
export interface SandboxRoute {
  /** Canonical "network/prefix". */
  destination: string;
  /** Plain gateway address. */
  via: string;
}

/** What the driver reads of a sandbox: the addresses on its interfaces and the routes the driver added. */
export interface SandboxState {
  /** "address/prefix" of every global-scope address. */
  addresses: string[];
  /** Routes carrying {@link SANDBOX_ROUTE_PROTO}, i.e. added by this driver. */
  routes: SandboxRoute[];
}

/**
 * The routing protocol number the driver's routes carry in a sandbox (rtnetlink rtm_protocol; `ip route
 * show proto 111` lists them). 111 is unassigned in iproute2's rt_protos, so no daemon claims these routes.
 */
export const SANDBOX_ROUTE_PROTO = 111;

/** Routes inside Docker sandboxes (network namespaces given by their SandboxKey path). */
export abstract class SandboxRouteOps {
  /** The sandbox's addresses and this driver's routes; undefined when the namespace is gone (or not made yet). */
  abstract read(sandboxKey: string): Promise<SandboxState | undefined>;
  /** Removes then adds (replacing a route to the same destination) in one go; a vanished namespace is not an error. */
  abstract apply(sandboxKey: string, change: { add: SandboxRoute[]; remove: SandboxRoute[] }): Promise<void>;
  /**
   * Why `read` still finds no namespace although the SandboxKey file exists, or undefined when there is no
   * such file or it is a namespace. Used once Join's wait gave up, so the reason reaches the log.
   */
  diagnose(sandboxKey: string): Promise<string | undefined> {
    void sandboxKey;
    return Promise.resolve(undefined);
  }
}
