/**
 * The baseline of B1: one endpoint lifecycle done the seed's way (greenpau/docker-ovn-driver), one process
 * per step, with the commands and in the order its CreateEndpoint, Join, Leave and DeleteEndpoint ran them,
 * plus the port security the brief asks for. Twelve processes; thirteen with the dataplane wait, where
 * `ovs-vsctl wait-until` stands in for the seed's missing wait (it had none). Argument arrays, no shell.
 */
import { run } from '../test/harness/stack';
import type { Stack } from '../test/harness/stack';
import { clientEnv } from './lib';

export interface SeedEndpoint {
  endpointId: string;
  /** "10.0.0.5" (the seed strips the prefix length Docker sends). */
  ip: string;
  mac: string;
  sandboxKey: string;
}

export class SeedBaseline {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly stack: Stack,
    /** The logical switch the seed made for the network (`ls-add` in its CreateNetwork). */
    readonly switchName: string,
  ) {
    this.env = clientEnv(stack);
  }

  /** Its CreateNetwork: `ovn-nbctl ls-add NAME -- set Logical_Switch NAME external_ids:...`. */
  async createNetwork(subnet: string, gateway: string): Promise<void> {
    await this.nbctl(
      'ls-add',
      this.switchName,
      '--',
      'set',
      'Logical_Switch',
      this.switchName,
      `external_ids:subnet=${subnet}`,
      `external_ids:gateway_ip=${gateway}`,
      `external_ids:added=${Math.floor(Date.now() / 1000)}`,
    );
  }

  async deleteNetwork(): Promise<void> {
    await this.nbctl('--if-exists', 'ls-del', this.switchName);
  }

  /** The seed's veth names: the EndpointID's first 15 characters outside, 13 + "_c" inside. */
  static veths(endpointId: string): { outside: string; inside: string } {
    return { outside: endpointId.slice(0, 15), inside: `${endpointId.slice(0, 13)}_c` };
  }

  /** CreateEndpoint: lsp-add (with external_ids), lsp-set-addresses, lsp-set-port-security — 3 processes. */
  async createEndpoint(ep: SeedEndpoint): Promise<void> {
    await this.nbctl(
      'lsp-add',
      this.switchName,
      ep.endpointId,
      '--',
      'set',
      'Logical_Switch_Port',
      ep.endpointId,
      `external_ids:chassis=${this.stack.chassis}`,
      `external_ids:added=${Math.floor(Date.now() / 1000)}`,
    );
    await this.nbctl('lsp-set-addresses', ep.endpointId, `${ep.mac} ${ep.ip}`);
    await this.nbctl('lsp-set-port-security', ep.endpointId, `${ep.mac} ${ep.ip}`);
  }

  /**
   * Join: read the port's addresses back, make the veth pair, set the inside MAC, set the outside up, add
   * the port to br-int, tag its Interface — 6 processes (7 with `waitInstalled`).
   */
  async join(ep: SeedEndpoint, waitInstalled: boolean): Promise<void> {
    const { outside, inside } = SeedBaseline.veths(ep.endpointId);
    const addresses = await this.nbctl('--if-exists', 'get', 'Logical_Switch_Port', ep.endpointId, 'addresses');
    const mac =
      addresses
        .trim()
        .replace(/^\["?|"?\]$/g, '')
        .split(/\s+/)[0] || ep.mac;
    await run('ip', ['link', 'add', inside, 'type', 'veth', 'peer', 'name', outside]);
    await run('ip', ['link', 'set', 'dev', inside, 'address', mac]);
    await run('ip', ['link', 'set', outside, 'up']);
    await this.vsctl('add-port', this.stack.bridge, outside);
    const sandbox = ep.sandboxKey.split('/').pop() ?? ep.sandboxKey;
    await this.vsctl(
      'set',
      'interface',
      outside,
      `external_ids:attached-mac=${mac}`,
      `external_ids:iface-id=${ep.endpointId}`,
      `external_ids:vm-id=${sandbox}`,
      'external_ids:iface-status=active',
    );
    if (waitInstalled) await this.vsctl('--timeout=10', 'wait-until', 'Interface', outside, 'external_ids:ovn-installed="true"');
  }

  /** Leave: delete the veth, then the OVS port — 2 processes. */
  async leave(ep: SeedEndpoint): Promise<void> {
    const { outside } = SeedBaseline.veths(ep.endpointId);
    await run('ip', ['link', 'delete', outside]);
    await this.vsctl('--if-exists', 'del-port', outside);
  }

  /** DeleteEndpoint: lsp-del — 1 process. */
  async deleteEndpoint(ep: SeedEndpoint): Promise<void> {
    await this.nbctl('lsp-del', ep.endpointId);
  }

  /** The whole lifecycle; on failure, removes whatever it made before rethrowing. */
  async lifecycle(ep: SeedEndpoint, waitInstalled: boolean): Promise<void> {
    try {
      await this.createEndpoint(ep);
      await this.join(ep, waitInstalled);
      await this.leave(ep);
      await this.deleteEndpoint(ep);
    } catch (e) {
      await this.cleanup(ep);
      throw e;
    }
  }

  /** Best-effort removal of one endpoint's veth, OVS port and logical port. */
  async cleanup(ep: SeedEndpoint): Promise<void> {
    const { outside } = SeedBaseline.veths(ep.endpointId);
    await run('ip', ['link', 'delete', outside]).catch(() => undefined);
    await this.vsctl('--if-exists', 'del-port', outside).catch(() => undefined);
    await this.nbctl('--if-exists', 'lsp-del', ep.endpointId).catch(() => undefined);
  }

  /** The seed ran every OVS/OVN client with `--timeout=5 -vconsole:off`. */
  private nbctl(...args: string[]): Promise<string> {
    return run('ovn-nbctl', [`--db=${this.stack.nbRemote}`, '--timeout=5', '-vconsole:off', ...args], { env: this.env });
  }

  private vsctl(...args: string[]): Promise<string> {
    return run('ovs-vsctl', [`--db=${this.stack.ovsRemote}`, '--timeout=5', '-vconsole:off', ...args], { env: this.env });
  }
}
