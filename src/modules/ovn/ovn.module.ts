import { Module } from '@nestjs/common';
import { LocalSwitchRepository } from './local-switch.repository';
import { NorthboundRepository } from './northbound.repository';
import { OvnNorthboundRepository } from './ovn-northbound.repository';
import { OvsLocalSwitchRepository } from './ovs-local-switch.repository';
import { OvsdbSessions } from './ovsdb-sessions';

/** OVN Northbound and local Open_vSwitch access through packages/ovsdb-client. */
@Module({
  providers: [
    OvsdbSessions,
    { provide: NorthboundRepository, useClass: OvnNorthboundRepository },
    { provide: LocalSwitchRepository, useClass: OvsLocalSwitchRepository },
  ],
  exports: [OvsdbSessions, NorthboundRepository, LocalSwitchRepository],
})
export class OvnModule {}
