import { Injectable, OnModuleInit } from '@nestjs/common';
import { OvsdbSessions } from '../ovn/ovsdb-sessions';
import { DriverMetrics, OvsdbDb, WatchedSession } from './driver-metrics';

export interface Readiness {
  status: 'ready' | 'unavailable';
  /** Client state of each session (ready = connected and cache synced); "unknown" before the NB remote is known. */
  nb: string;
  ovs: string;
}

/** Follows the two OVSDB sessions for /readyz and the connection metrics. */
@Injectable()
export class OvsdbHealth implements OnModuleInit {
  private readonly sessions = new Map<OvsdbDb, WatchedSession>();

  constructor(
    private readonly ovsdb: OvsdbSessions,
    private readonly metrics: DriverMetrics,
  ) {}

  onModuleInit(): void {
    this.ovsdb.onClient((db, client) => {
      this.sessions.set(db, client);
      this.metrics.watchSession(db, client);
    });
  }

  readiness(): Readiness {
    return {
      status: this.ovsdb.ready() ? 'ready' : 'unavailable',
      nb: this.sessions.get('nb')?.state ?? 'unknown',
      ovs: this.sessions.get('ovs')?.state ?? 'unknown',
    };
  }
}
