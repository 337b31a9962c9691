import { Module } from '@nestjs/common';
import { OvnModule } from '../ovn/ovn.module';
import { ReconcileModule } from '../reconcile/reconcile.module';
import { DatabaseViewService } from './database-view.service';
import { DebugController } from './debug.controller';
import { TopologyService } from './topology.service';

@Module({
  imports: [OvnModule, ReconcileModule],
  controllers: [DebugController],
  providers: [DatabaseViewService, TopologyService],
})
export class DebugModule {}
