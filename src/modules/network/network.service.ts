import { Injectable, Logger } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';
import { BadRequestError } from '../../protocol/errors';
import type { AllocateNetworkRequest, CapabilitiesResponse, CreateNetworkRequest } from '../../protocol/network.dto';
import { SWARM_ID } from '../../protocol/wire-formats';
import { VerbActivity } from '../endpoint/verb-activity';
import { LocalSwitchRepository } from '../ovn/local-switch.repository';
import { NorthboundRepository } from '../ovn/northbound.repository';
import { GENERIC_OPTIONS, parseNetworkSpec } from '../../domain/network-spec';

/** Network verbs: parse and check what Docker asks, then one NB transaction. */
@Injectable()
export class NetworkService {
  private readonly logger = new Logger(NetworkService.name);

  constructor(
    private readonly config: DriverConfig,
    private readonly nb: NorthboundRepository,
    private readonly ovs: LocalSwitchRepository,
    private readonly activity: VerbActivity,
  ) {}

  capabilities(): CapabilitiesResponse {
    return { Scope: this.config.OVN_DRIVER_SCOPE, ConnectivityScope: this.config.OVN_DRIVER_SCOPE };
  }

  /** Marked busy meanwhile: dockerd stores the network only once this answers, and the reconciler waits for it. */
  async createNetwork(req: CreateNetworkRequest): Promise<void> {
    const spec = parseNetworkSpec(req, () => this.ovs.hostChassis());
    // A swarm-scoped network (`--scope swarm`, a stack's) has one NetworkID on every node: with local scope
    // each node would take the network for its own, and the first to remove it would remove it for all.
    if (this.config.OVN_DRIVER_SCOPE === 'local' && SWARM_ID.test(req.NetworkID))
      throw new BadRequestError(
        `network ${req.NetworkID} is a swarm network, the same on every node: run the driver with OVN_DRIVER_SCOPE=global on every node for swarm networks (README "Multi-host")`,
      );
    const shared = this.config.OVN_DRIVER_SCOPE === 'global';
    const record = await this.activity.run(spec.networkId, () => this.nb.ensureNetwork({ ...spec, shared }));
    this.logger.log({ networkId: spec.networkId, switch: record.switchName, vrf: spec.vrf }, 'network ready');
  }

  /**
   * Swarm managers ask before the network exists on any node; what this answers is what every node's
   * CreateNetwork gets as its options (swarmkit stores it as the network's driver state), so the options
   * are handed back unchanged, once checked: a bad one stops the network here, before any node has it.
   */
  allocateNetwork(req: AllocateNetworkRequest): Record<string, string> {
    const options = req.Options ?? {};
    parseNetworkSpec({ ...req, Options: { [GENERIC_OPTIONS]: options } }, () => 'swarm-manager');
    return Object.fromEntries(Object.entries(options).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  /**
   * With OVN_DRIVER_SCOPE=global every node's dockerd names the network by the same NetworkID (swarm), so it
   * is one record for all of them: a node's DeleteNetwork (its last task there gone) leaves it to the others
   * while they have it (each node's CreateNetwork recorded it) or endpoints on it, and the last one removes it.
   */
  async deleteNetwork(networkId: string): Promise<void> {
    const shared = this.config.OVN_DRIVER_SCOPE === 'global' ? this.ovs.hostChassis() : undefined;
    const keptFor = await this.activity.run(networkId, () => this.nb.removeNetwork(networkId, shared));
    if (keptFor.length > 0) this.logger.log({ networkId, hosts: keptFor }, 'network kept: other hosts have it');
  }
}
