import { Injectable, OnModuleInit } from '@nestjs/common';
import { OvsdbSessions } from '../ovn/ovsdb-sessions';
import { DriverMetrics } from './driver-metrics';

export interface Readiness {
  status: 'ready' | 'unavailable';
  /** Client state of each session (ready = connected and cache synced). */
  nb: string;
  ovs: string;
  /** Why the last attempt to connect failed, while a session is not connected (refused, TLS, ...). */
  nbError?: string;
  ovsError?: string;
}

/** Follows the two OVSDB sessions for /readyz and the connection metrics. */
@Injectable()
export class OvsdbHealth implements OnModuleInit {
  constructor(
    private readonly ovsdb: OvsdbSessions,
    private readonly metrics: DriverMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.watchNb(this.ovsdb.nbSession);
    this.metrics.watchSession('ovs', this.ovsdb.ovs);
  }

  readiness(): Readiness {
    // A server whose schema is too old is connected, then refused: that, not a stale connect failure, is why.
    const nbError = this.ovsdb.nbIncompatibility() ?? this.ovsdb.connectFailure('nb');
    const ovsError = this.ovsdb.connectFailure('ovs');
    return {
      status: this.ovsdb.ready() ? 'ready' : 'unavailable',
      nb: this.ovsdb.nbSession.state,
      ovs: this.ovsdb.ovs.state,
      ...(nbError ? { nbError } : {}),
      ...(ovsError ? { ovsError } : {}),
    };
  }
}
