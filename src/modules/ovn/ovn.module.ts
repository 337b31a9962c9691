import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AddressPoolRepository } from './address-pool.repository';
import { LocalSwitchRepository } from './local-switch.repository';
import { OvnAddressPoolRepository } from './ovn-address-pool.repository';
import { NorthboundRepository } from './northbound.repository';
import { OvnNorthboundRepository } from './ovn-northbound.repository';
import { OvsLocalSwitchRepository } from './ovs-local-switch.repository';
import { OvsdbSessions } from './ovsdb-sessions';
import { StartupGuard } from './startup.guard';

/** OVN Northbound and local Open_vSwitch access through packages/ovsdb-client. */
@Module({
  providers: [
    OvsdbSessions,
    // Verbs that need OVSDB wait for the first connection at start (ovsdb-sessions.ts whenStarted).
    { provide: APP_GUARD, useClass: StartupGuard },
    { provide: NorthboundRepository, useClass: OvnNorthboundRepository },
    { provide: LocalSwitchRepository, useClass: OvsLocalSwitchRepository },
    { provide: AddressPoolRepository, useClass: OvnAddressPoolRepository },
  ],
  exports: [OvsdbSessions, NorthboundRepository, LocalSwitchRepository, AddressPoolRepository],
})
export class OvnModule {}
