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
  Logical_Router: ['name', 'ports', 'external_ids'],
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
 * by themselves. The NB remote comes resolved in the config (main.ts: OVN_DRIVER_NB, else the local
 * Open_vSwitch external_ids:ovn-nb, read once before listening).
 */
@Injectable()
export class OvsdbSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OvsdbSessions.name);
  readonly ovs: OvsClient;
  /** The NB session; use {@link nb} for one that is connected. */
  readonly nbSession: NbClient;
  readonly nbRemote: string;

  constructor(private readonly config: DriverConfig) {
    if (!config.OVN_DRIVER_NB) throw new Error('OVN_DRIVER_NB must be resolved before the sessions are made (withNorthboundRemote)');
    this.ovs = new OvsdbClient<OpenVSwitch.TableMap>({
      remotes: config.OVN_DRIVER_OVS_DB,
      database: 'Open_vSwitch',
      tables: OVS_TABLES,
      requestTimeoutMs: config.OVN_DRIVER_OVSDB_TIMEOUT_MS,
      ...RECOVERY,
      leaderOnly: false,
    });
    addOpenVswitchIndexes(this.ovs.cache);
    this.nbRemote = config.OVN_DRIVER_NB;
    this.nbSession = new OvsdbClient<OvnNorthbound.TableMap>({
      remotes: this.nbRemote,
      database: 'OVN_Northbound',
      tables: NB_TABLES,
      requestTimeoutMs: config.OVN_DRIVER_OVSDB_TIMEOUT_MS,
      ...RECOVERY,
      leaderOnly: true,
      tls: this.tls(),
    });
    addNorthboundIndexes(this.nbSession.cache);
  }

  onApplicationBootstrap(): void {
    this.logger.log(`OVN Northbound DB: ${this.nbRemote}`);
    this.ovs.start();
    this.nbSession.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.ovs.close(), this.nbSession.close()]);
  }

  /** The NB session, or an UnavailableError when it is not connected and synced right now. */
  nb(): NbClient {
    if (this.nbSession.state !== 'ready') throw new UnavailableError(`OVN Northbound DB (${this.nbRemote}) is not connected`);
    return this.nbSession;
  }

  /** The local OVS session, or an UnavailableError when it is not connected and synced right now. */
  localOvs(): OvsClient {
    if (this.ovs.state !== 'ready') throw new UnavailableError(`local Open_vSwitch DB (${this.config.OVN_DRIVER_OVS_DB}) is not connected`);
    return this.ovs;
  }

  /** Both sessions connected and their caches synced. */
  ready(): boolean {
    return this.ovs.state === 'ready' && this.nbSession.state === 'ready';
  }

  private tls() {
    const { OVN_DRIVER_SSL_KEY: key, OVN_DRIVER_SSL_CERT: cert, OVN_DRIVER_SSL_CA: ca } = this.config;
    if (!key || !cert || !ca) return undefined;
    return { key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(ca) };
  }
}
