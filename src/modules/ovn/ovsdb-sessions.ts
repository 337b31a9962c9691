import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import {
  chooseModel,
  OpenVSwitch,
  OvnNorthbound,
  OvnNorthbound2503,
  OvsdbClient,
  OvsdbSchemaMismatchError,
  type ClientState,
} from 'ovsdb-client';
import { DriverConfig } from '../../config/driver-config';
import { UnavailableError } from '../../protocol/errors';
import { addNorthboundIndexes, addOpenVswitchIndexes } from './cache-indexes';
import type { NbTables } from './rows';
import { timeLeft } from '../../core/verb-deadline';

/** The NB session, checked against the OVN Northbound model. */
export type NbClient = OvsdbClient<NbTables>;
/** The local OVS session, checked against the Open_vSwitch model. */
export type OvsClient = OvsdbClient<OpenVSwitch.TableMap>;
type NbColumns = { [T in keyof NbTables]?: (keyof NbTables[T] & string)[] };
type OvsTables = { [T in keyof OpenVSwitch.TableMap]?: (keyof OpenVSwitch.TableMap[T] & string)[] };

/** The generated NB models, one per schema version the driver was built against (newest that fits wins). */
const NB_MODELS = [OvnNorthbound, OvnNorthbound2503];

/**
 * Columns the driver uses in the OVN Northbound DB: monitored into the cache, and so checked at connect
 * against the server's schema (a server lacking one is refused with the list of what it lacks).
 */
const NB_TABLES: NbColumns = {
  Logical_Switch: ['name', 'ports', 'external_ids', 'other_config'],
  /** options: written (router-port) and not read. */
  Logical_Switch_Port: ['name', 'addresses', 'port_security', 'external_ids', 'up', 'type', 'options'],
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
  /** datapath_type: on the userspace datapath ("netdev") veths need tx checksum offload off (EndpointService). */
  Bridge: ['name', 'ports', 'datapath_type'],
  Port: ['name', 'interfaces', 'external_ids'],
  Interface: ['name', 'type', 'external_ids', 'ofport', 'error'],
};

/**
 * A hung server is noticed by the inactivity probe within ~2 probe intervals, and a server that is back
 * is reconnected within the backoff ceiling: a few seconds either way, far below dockerd's 30 s.
 */
const RECOVERY = { probeIntervalMs: 2000, reconnectMinMs: 100, reconnectMaxMs: 2000 };

/** A connection attempt failing again for the same cause is logged again after this long, not at every retry. */
const REPEAT_FAILURE_LOG_MS = 30_000;

type SessionEvents = {
  on(event: 'state', f: (next: ClientState, prev: ClientState) => void): unknown;
  on(event: 'connectFailed', f: (remote: string, err: Error) => void): unknown;
};

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
  /** Why the NB server cannot be used (its schema lacks columns the driver uses), while that lasts. */
  private nbIncompatible?: string;
  /** The last failed connection attempt of each session, while it is not connected: the 503s say it. */
  private readonly lastFailure = new Map<object, string>();
  private readonly startedAt = Date.now();
  /** Settles the first time both sessions are ready. */
  private readonly firstReady: Promise<void>;
  private everReady = false;

  constructor(private readonly config: DriverConfig) {
    if (!config.OVN_DRIVER_NB) throw new Error('OVN_DRIVER_NB must be resolved before the sessions are made (withNorthboundRemote)');
    this.ovs = new OvsdbClient<OpenVSwitch.TableMap>({
      remotes: config.OVN_DRIVER_OVS_DB,
      database: OpenVSwitch.SCHEMA_NAME,
      tables: OVS_TABLES,
      requestTimeoutMs: config.OVN_DRIVER_OVSDB_TIMEOUT_MS,
      // A verb's transactions end with its request's deadline too (src/core/verb-deadline.ts).
      timeLeft,
      ...RECOVERY,
      leaderOnly: false,
    });
    addOpenVswitchIndexes(this.ovs.cache);
    this.nbRemote = config.OVN_DRIVER_NB;
    this.nbSession = new OvsdbClient<NbTables>({
      remotes: this.nbRemote,
      database: 'OVN_Northbound',
      tables: NB_TABLES,
      requestTimeoutMs: config.OVN_DRIVER_OVSDB_TIMEOUT_MS,
      // A verb's transactions end with its request's deadline too (src/core/verb-deadline.ts).
      timeLeft,
      ...RECOVERY,
      leaderOnly: true,
      tls: this.tls(),
    });
    addNorthboundIndexes(this.nbSession.cache);
    this.reportConnection(this.ovs, `local Open_vSwitch DB (${config.OVN_DRIVER_OVS_DB})`);
    this.reportConnection(this.nbSession, `OVN Northbound DB (${this.nbRemote})`);
    this.nbSession.on('incompatible', (err: OvsdbSchemaMismatchError) => this.refuseNb(err));
    this.nbSession.on('state', (state: string) => {
      if (state === 'ready') this.acceptNb();
    });
    this.firstReady = new Promise((resolve) => {
      const check = () => {
        if (!this.ready()) return;
        this.everReady = true;
        this.ovs.off('state', check);
        this.nbSession.off('state', check);
        resolve();
      };
      this.ovs.on('state', check);
      this.nbSession.on('state', check);
    });
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
    if (this.nbSession.state !== 'ready')
      throw new UnavailableError(this.nbIncompatible ?? this.notConnected(this.nbSession, `OVN Northbound DB (${this.nbRemote})`));
    return this.nbSession;
  }

  /** The local OVS session, or an UnavailableError when it is not connected and synced right now. */
  localOvs(): OvsClient {
    if (this.ovs.state !== 'ready')
      throw new UnavailableError(this.notConnected(this.ovs, `local Open_vSwitch DB (${this.config.OVN_DRIVER_OVS_DB})`));
    return this.ovs;
  }

  /**
   * Resolves once both sessions have been ready, or when the start-up wait (OVN_DRIVER_STARTUP_WAIT_S after
   * the driver started) is over: at boot dockerd restores containers as soon as the plugin answers, and a 503
   * then leaves them stopped, while the sessions are typically a second from connected. After the first
   * sync, and after the wait, it resolves at once: an outage is answered with a 503 within seconds.
   */
  async whenStarted(): Promise<void> {
    if (this.everReady) return;
    const left = this.startedAt + this.config.OVN_DRIVER_STARTUP_WAIT_S * 1000 - Date.now();
    if (left <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstReady, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }

  /** Why the last attempt to connect `session` failed, while it is not connected (for /readyz). */
  /** Why the NB server, though reachable, cannot be used (its schema is too old), while that holds. */
  nbIncompatibility(): string | undefined {
    return this.nbIncompatible;
  }

  connectFailure(session: 'nb' | 'ovs'): string | undefined {
    return this.lastFailure.get(session === 'nb' ? this.nbSession : this.ovs);
  }

  private notConnected(session: object, what: string): string {
    const failure = this.lastFailure.get(session);
    return `${what} is not connected${failure ? `: ${failure}` : ''}`;
  }

  /** Both sessions connected and their caches synced. */
  ready(): boolean {
    return this.ovs.state === 'ready' && this.nbSession.state === 'ready';
  }

  /**
   * Says when a session is lost and when it is back, and how long it was away, and why an attempt to connect
   * failed (refused, TLS, not the cluster leader, ...): once per cause, again every 30 s while it lasts.
   * Meanwhile the verbs that need the session answer 503 with that cause.
   */
  private reportConnection(client: SessionEvents, what: string): void {
    let lostAt: number | undefined;
    /** When each cause was last logged; a cluster's remotes may fail for different causes in turn. */
    const logged = new Map<string, number>();
    client.on('state', (next, prev) => {
      if (prev === 'ready' && next === 'reconnecting') {
        lostAt = Date.now();
        this.logger.warn(`lost the connection to ${what}; reconnecting (the verbs that need it answer 503 meanwhile)`);
      } else if (next === 'ready') {
        const since = lostAt ?? (logged.size > 0 ? this.startedAt : undefined);
        if (since === undefined) this.logger.log(`connected to ${what}`);
        else
          this.logger.log(
            `connected to ${what} ${lostAt === undefined ? '' : 'again '}after ${((Date.now() - since) / 1000).toFixed(1)} s`,
          );
        lostAt = undefined;
        logged.clear();
        this.lastFailure.delete(client);
      }
    });
    client.on('connectFailed', (remote, err) => {
      // A cluster's member is named; a single remote is already in `what`.
      const cause = what.includes(`(${remote})`) ? err.message : `${remote}: ${err.message}`;
      this.lastFailure.set(client, cause);
      const now = Date.now();
      if (now - (logged.get(cause) ?? -Infinity) < REPEAT_FAILURE_LOG_MS) return;
      this.logger.warn(`cannot connect to ${what}: ${cause}; retrying (the verbs that need it answer 503 meanwhile)`);
      logged.set(cause, now);
    });
  }

  /** Logged once per cause: the connection loop retries (the server may be upgraded) and says it again. */
  private refuseNb(err: OvsdbSchemaMismatchError): void {
    const why = `OVN Northbound DB (${this.nbRemote}) cannot be used: ${err.message}, which this driver needs; run OVN 23.03 or newer`;
    if (why !== this.nbIncompatible) this.logger.error(why);
    this.nbIncompatible = why;
  }

  /** Says which generated models fit the server's schema version (ovsdb(7): major.minor.patch). */
  private acceptNb(): void {
    this.nbIncompatible = undefined;
    const schema = this.nbSession.schema!;
    const model = chooseModel(schema, NB_MODELS);
    if (model) this.logger.log(`OVN Northbound schema ${schema.version}: models of schema ${model.SCHEMA_VERSION}`);
    else
      this.logger.warn(
        `OVN Northbound schema ${schema.version}: no bundled model (${NB_MODELS.map((m) => m.SCHEMA_VERSION).join(', ')}) fits; it has every column the driver uses`,
      );
  }

  private tls() {
    const { OVN_DRIVER_SSL_KEY: key, OVN_DRIVER_SSL_CERT: cert, OVN_DRIVER_SSL_CA: ca } = this.config;
    if (!key || !cert || !ca) return undefined;
    return { key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(ca) };
  }
}
