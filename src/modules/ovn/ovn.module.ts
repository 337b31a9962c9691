import { Module } from '@nestjs/common';
import { AddressPoolRepository } from './address-pool.repository';
import { LocalSwitchRepository } from './local-switch.repository';
import { OvnAddressPoolRepository } from './ovn-address-pool.repository';
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
    { provide: AddressPoolRepository, useClass: OvnAddressPoolRepository },
  ],
  exports: [OvsdbSessions, NorthboundRepository, LocalSwitchRepository, AddressPoolRepository],
})
export class OvnModule {}
