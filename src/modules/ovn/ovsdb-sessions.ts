import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { OpenVSwitch, OvnNorthbound, OvsdbClient } from 'ovsdb-client';
import { DriverConfig } from '../../config/driver-config';
import { UnavailableError } from '../../protocol/errors';
import { addNorthboundIndexes, addOpenVswitchIndexes } from './cache-indexes';

/** The NB session, checked against the OVN Northbound model. */
export type NbClient = OvsdbClient<OvnNorthbound.TableMap>;
/** The local OVS session, checked against the Open_vSwitch model. */
export type OvsClient = OvsdbClient<OpenVSwitch.TableMap>;
type NbTables = { [T in keyof OvnNorthbound.TableMap]?: (keyof OvnNorthbound.TableMap[T] & string)[] };
type OvsTables = { [T in keyof OpenVSwitch.TableMap]?: (keyof OpenVSwitch.TableMap[T] & string)[] };

/** Columns the driver reads from the OVN Northbound DB (monitored into the cache). */
const NB_TABLES: NbTables = {
  NB_Global: ['nb_cfg', 'hv_cfg'],
  Logical_Switch: ['name', 'ports', 'external_ids', 'other_config'],
  Logical_Switch_Port: ['name', 'addresses', 'port_security', 'external_ids', 'up', 'type'],
  Logical_Router: ['name', 'ports', 'policies', 'external_ids'],
  /** Isolation of a vrf's subnets from each other. */
  Logical_Router_Policy: ['priority', 'match', 'action', 'external_ids'],
  /** Ingress policy: a Port_Group per network, its ACLs, and the Meter of their logs. */
  Port_Group: ['name', 'ports', 'acls', 'external_ids'],
  ACL: ['name', 'priority', 'direction', 'match', 'action', 'log', 'severity', 'meter', 'external_ids'],
  Meter: ['name', 'unit', 'bands', 'external_ids'],
  /** Address_Set: IPAM pools of the earlier layout, migrated to DHCP_Options on start. */
  Address_Set: ['name', 'addresses', 'external_ids'],
  /** IPAM pools and their allocation blocks. */
  DHCP_Options: ['cidr', 'external_ids'],
  Logical_Router_Port: ['name', 'networks', 'mac', 'external_ids'],
};

/** Columns the driver reads from the local Open_vSwitch DB. */
const OVS_TABLES: OvsTables = {
  Open_vSwitch: ['external_ids', 'bridges'],
  Bridge: ['name', 'ports'],
  Port: ['name', 'interfaces', 'external_ids'],
  Interface: ['name', 'type', 'external_ids', 'ofport', 'error'],
};

/**
 * A hung server is noticed by the inactivity probe within ~2 probe intervals, and a server that is back
 * is reconnected within the backoff ceiling: a few seconds either way, far below dockerd's 30 s.
 */
const RECOVERY = { probeIntervalMs: 2000, reconnectMinMs: 100, reconnectMaxMs: 2000 };

/**
 * The two long-lived OVSDB sessions: the local Open_vSwitch DB and the OVN Northbound DB. Both connect
 * in the background after the listeners are up (dockerd gives a plugin seconds to appear) and reconnect
 * by themselves. Without OVN_DRIVER_NB, the NB remote is read from Open_vSwitch external_ids:ovn-nb, as
 * the seed driver did.
 */
@Injectable()
export class OvsdbSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OvsdbSessions.name);
  readonly ovs: OvsClient;
  private nbClient?: NbClient;
  private nbRemote?: string;
  private closed = false;
  private readonly clientCallbacks: ((db: 'nb' | 'ovs', client: OvsdbClient) => void)[] = [];
  private readonly nbCallbacks: ((client: NbClient) => void)[] = [];

  constructor(private readonly config: DriverConfig) {
    this.ovs = new OvsdbClient<OpenVSwitch.TableMap>({
      remotes: config.OVN_DRIVER_OVS_DB,
      database: 'Open_vSwitch',
      tables: OVS_TABLES,
      requestTimeoutMs: config.OVN_DRIVER_OVSDB_TIMEOUT_MS,
      ...RECOVERY,
      leaderOnly: false,
    });
    addOpenVswitchIndexes(this.ovs.cache);
    if (config.OVN_DRIVER_NB) this.nbClient = this.makeNb(config.OVN_DRIVER_NB);
  }

  onApplicationBootstrap(): void {
    this.ovs.start();
    if (this.nbClient) this.nbClient.start();
    else void this.discoverNb();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.ovs.close(), this.nbClient?.close()]);
  }

  /** The NB session, or an UnavailableError when it is not connected and synced right now. */
  nb(): NbClient {
    if (!this.nbClient) throw new UnavailableError('OVN Northbound DB remote is not known yet: set OVN_DRIVER_NB or external_ids:ovn-nb in the local Open_vSwitch DB');
    if (this.nbClient.state !== 'ready') throw new UnavailableError(`OVN Northbound DB (${this.nbRemote}) is not connected`);
    return this.nbClient;
  }

  /** The local OVS session, or an UnavailableError when it is not connected and synced right now. */
  localOvs(): OvsClient {
    if (this.ovs.state !== 'ready') throw new UnavailableError(`local Open_vSwitch DB (${this.config.OVN_DRIVER_OVS_DB}) is not connected`);
    return this.ovs;
  }

  /**
   * Calls `cb` with each session's client as soon as it exists: the local OVS one at once, the NB one at
   * once or when its remote is discovered from external_ids:ovn-nb (for metrics and health).
   */
  onClient(cb: (db: 'nb' | 'ovs', client: OvsdbClient) => void): void {
    this.clientCallbacks.push(cb);
    cb('ovs', this.ovs);
    if (this.nbClient) cb('nb', this.nbClient);
  }

  /** Calls `cb` with the typed NB client as soon as it exists (for the repositories' change listeners). */
  onNbClient(cb: (client: NbClient) => void): void {
    this.nbCallbacks.push(cb);
    if (this.nbClient) cb(this.nbClient);
  }

  /** Both sessions connected and their caches synced. */
  ready(): boolean {
    return this.ovs.state === 'ready' && this.nbClient?.state === 'ready';
  }

  private makeNb(remote: string): NbClient {
    this.nbRemote = remote;
    this.logger.log(`OVN Northbound DB: ${remote}`);
    const client = new OvsdbClient<OvnNorthbound.TableMap>({
      remotes: remote,
      database: 'OVN_Northbound',
      tables: NB_TABLES,
      requestTimeoutMs: this.config.OVN_DRIVER_OVSDB_TIMEOUT_MS,
      ...RECOVERY,
      leaderOnly: true,
      tls: this.tls(),
    });
    addNorthboundIndexes(client.cache);
    for (const cb of this.clientCallbacks) cb('nb', client);
    for (const cb of this.nbCallbacks) cb(client);
    return client;
  }

  private tls() {
    const { OVN_DRIVER_SSL_KEY: key, OVN_DRIVER_SSL_CERT: cert, OVN_DRIVER_SSL_CA: ca } = this.config;
    if (!key || !cert || !ca) return undefined;
    return { key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(ca) };
  }

  /** Waits for the local OVS DB, then follows its external_ids:ovn-nb. */
  private async discoverNb(): Promise<void> {
    while (!this.closed && !this.nbClient) {
      try {
        const remote = await this.ovs.waitFor(
          (cache) => {
            for (const row of cache.table('Open_vSwitch').values()) {
              const nb = row.external_ids['ovn-nb'];
              if (nb) return nb;
            }
            return undefined;
          },
          { timeoutMs: 60_000 },
        );
        this.nbClient = this.makeNb(remote);
        this.nbClient.start();
      } catch {
        if (!this.closed) this.logger.warn('waiting for external_ids:ovn-nb in the local Open_vSwitch DB (or set OVN_DRIVER_NB)');
      }
    }
  }
}
