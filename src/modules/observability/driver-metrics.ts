import { Injectable } from '@nestjs/common';
import type { NbTables } from '../ovn/rows';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isOwned } from '../ovn/ownership';
import { verbLabel } from './verb-outcome';
import { NB } from '../ovn/tables';

export type OvsdbDb = 'nb' | 'ovs';
/** What the reconciler removes: OVS ports, host veths, NB logical switch ports. */
export type ReconcilerKind = 'ovs_port' | 'veth' | 'logical_port' | 'network';

/** What the metrics read from an OVSDB session (an OvsdbClient): its state. */
export interface WatchedSession {
  readonly state: string;
  on(event: 'state', listener: (next: string, previous: string) => void): unknown;
}

/** The NB session also gives the rows whose owners are counted. */
export interface WatchedNbSession extends WatchedSession {
  readonly cache: {
    readonly tableNames: string[];
    table(name: OwnedTable): ReadonlyMap<string, { readonly external_ids: Record<string, string> }>;
  };
}

const PREFIX = 'docker_ovn_driver_';
const DBS: OvsdbDb[] = ['nb', 'ovs'];
const RECONCILER_KINDS: ReconcilerKind[] = ['ovs_port', 'veth', 'logical_port', 'network'];
/** NB tables whose owned rows are counted, by the `kind` label. */
const OWNED_TABLES = { switch: NB.Logical_Switch, port: NB.Logical_Switch_Port, router: NB.Logical_Router } as const satisfies Record<
  string,
  keyof NbTables
>;
/** NB tables of the ingress policy and isolation whose owned rows are counted, by the `kind` label. */
const POLICY_TABLES = {
  port_group: NB.Port_Group,
  acl: NB.ACL,
  meter: NB.Meter,
  router_policy: NB.Logical_Router_Policy,
} as const satisfies Record<string, keyof NbTables>;
type OwnedTable = (typeof OWNED_TABLES)[keyof typeof OWNED_TABLES] | (typeof POLICY_TABLES)[keyof typeof POLICY_TABLES];
/** Seconds: most verbs take milliseconds; Join may wait for ovn-controller (10 s), dockerd gives up at 30 s. */
const VERB_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The driver's Prometheus metrics (GET /metrics on the HTTP listener), in a registry of its own so every
 * application instance counts for itself. Connection state and owned objects are read when scraped.
 */
@Injectable()
export class DriverMetrics {
  readonly registry = new Registry();
  private readonly sessions = new Map<OvsdbDb, WatchedSession>();
  private nb?: WatchedNbSession;

  private readonly verbSeconds = new Histogram({
    name: `${PREFIX}verb_duration_seconds`,
    help: 'Time to answer a plugin verb, by verb (Subsystem.Verb; "other" for verbs this driver does not serve).',
    labelNames: ['verb'] as const,
    buckets: VERB_BUCKETS,
    registers: [this.registry],
  });

  private readonly verbErrors = new Counter({
    name: `${PREFIX}verb_errors_total`,
    help: 'Plugin verbs answered with an error ({"Err"}), by verb and HTTP status.',
    labelNames: ['verb', 'status'] as const,
    registers: [this.registry],
  });

  private readonly ovsdbReconnects = new Counter({
    name: `${PREFIX}ovsdb_reconnects_total`,
    help: 'Established OVSDB sessions that were lost (the driver reconnects by itself), by database.',
    labelNames: ['db'] as const,
    registers: [this.registry],
  });

  private readonly reconcilerRemovals = new Counter({
    name: `${PREFIX}reconciler_removed_total`,
    help: 'Orphans removed by the reconciler, by kind (ovs_port, veth, logical_port, network).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly reconcilerReplugs = new Counter({
    name: `${PREFIX}reconciler_replugged_total`,
    help: "Running containers' veths the reconciler plugged back into the integration bridge after their OVS port went (the bridge deleted, the Open_vSwitch DB reset).",
    registers: [this.registry],
  });

  constructor() {
    const sessions = this.sessions;
    const nbSession = () => this.nb;
    new Gauge({
      name: `${PREFIX}ovsdb_connected`,
      help: '1 when the OVSDB session is connected and its cache synced, else 0, by database (nb, ovs).',
      labelNames: ['db'] as const,
      registers: [this.registry],
      collect() {
        for (const db of DBS) this.set({ db }, sessions.get(db)?.state === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: `${PREFIX}owned_objects`,
      help: 'NB rows owned by docker-ovn-driver (all hosts sharing the NB), by kind (switch, port, router); absent before NB was first synced.',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect() {
        countOwned(this, nbSession(), OWNED_TABLES);
      },
    });
    new Gauge({
      name: `${PREFIX}policy_objects`,
      help: 'NB rows of ingress policy and isolation owned by docker-ovn-driver (all hosts sharing the NB), by kind (port_group, acl, meter, router_policy); absent before NB was first synced.',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect() {
        countOwned(this, nbSession(), POLICY_TABLES);
      },
    });
    // Series that exist from the start, so rate() and alerts see the zero.
    for (const db of DBS) this.ovsdbReconnects.inc({ db }, 0);
    for (const kind of RECONCILER_KINDS) this.reconcilerRemovals.inc({ kind }, 0);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Content-Type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** One answered request; only plugin verbs (POST /Subsystem.Verb) are counted. */
  observeVerb(method: string | undefined, url: string | undefined, status: number, seconds: number): void {
    const verb = verbLabel(method, url);
    if (!verb) return;
    this.verbSeconds.observe({ verb }, seconds);
    if (status >= 400) this.verbErrors.inc({ verb, status: String(status) });
  }

  /** The reconciler removed `n` orphans of `kind`. */
  reconcilerRemoved(kind: ReconcilerKind, n = 1): void {
    if (n > 0) this.reconcilerRemovals.inc({ kind }, n);
  }

  /** The reconciler added `n` OVS ports back for running containers. */
  reconcilerReplugged(n = 1): void {
    if (n > 0) this.reconcilerReplugs.inc(n);
  }

  /** Follows the NB session: as {@link watchSession}, and its owned rows for owned_objects. */
  watchNb(session: WatchedNbSession): void {
    this.nb = session;
    this.watchSession('nb', session);
  }

  /** Follows an OVSDB session: its state for ovsdb_connected, its losses for ovsdb_reconnects_total. */
  watchSession(db: OvsdbDb, session: WatchedSession): void {
    this.sessions.set(db, session);
    session.on('state', (next) => {
      if (next === 'reconnecting') this.ovsdbReconnects.inc({ db });
    });
  }
}

/** Sets `gauge{kind}` to the number of owned rows of each table; nothing before the NB cache exists. */
function countOwned(gauge: Gauge<'kind'>, session: WatchedNbSession | undefined, tables: Record<string, OwnedTable>): void {
  gauge.reset();
  const cache = session?.cache;
  if (!cache) return;
  for (const [kind, table] of Object.entries(tables)) {
    if (!cache.tableNames.includes(table)) continue;
    let n = 0;
    for (const row of cache.table(table).values()) if (isOwned(row.external_ids)) n++;
    gauge.set({ kind }, n);
  }
}
