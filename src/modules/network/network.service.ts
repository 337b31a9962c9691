import { Injectable, Logger } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';
import type { CapabilitiesResponse, CreateNetworkRequest } from '../../protocol/network.dto';
import { VerbActivity } from '../endpoint/verb-activity';
import { LocalSwitchRepository } from '../ovn/local-switch.repository';
import { NorthboundRepository } from '../ovn/northbound.repository';
import { parseNetworkSpec } from '../../domain/network-spec';

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
    const record = await this.activity.run(spec.networkId, () => this.nb.ensureNetwork(spec));
    this.logger.log({ networkId: spec.networkId, switch: record.switchName, vrf: spec.vrf }, 'network ready');
  }

  /**
   * With OVN_DRIVER_SCOPE=global every node's dockerd names the network by the same NetworkID (swarm), so it
   * is one record for all of them: a node's DeleteNetwork (its last task there gone) leaves it to the others
   * while they have endpoints on it, and the last one removes it.
   */
  async deleteNetwork(networkId: string): Promise<void> {
    const shared = this.config.OVN_DRIVER_SCOPE === 'global' ? this.ovs.hostChassis() : undefined;
    const keptFor = await this.activity.run(networkId, () => this.nb.removeNetwork(networkId, shared));
    if (keptFor.length > 0) this.logger.log({ networkId, hosts: keptFor }, 'network kept: other hosts have endpoints on it');
  }
}
