import { DynamicModule, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { OvnModule } from '../ovn/ovn.module';
import { DriverMetrics } from './driver-metrics';
import { HealthController } from './health.controller';
import { LogFileService } from './log-file.service';
import { LogLevelController } from './log-level.controller';
import { LogLevelService } from './log-level.service';
import { LogOutput } from './log-output';
import { MetricsController } from './metrics.controller';
import { OvsdbHealth } from './ovsdb-health';
import { VerbHooks } from './verb-hooks';

/**
 * Operations: the log file and its reopen on SIGHUP, the runtime log level, /metrics, /healthz and
 * /readyz (HTTP listener only), verb metrics and the debug bodies. Global, so any module can inject
 * {@link DriverMetrics} (e.g. the reconciler's removals).
 */
@Module({})
export class ObservabilityModule {
  static forRoot(output: LogOutput): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [OvnModule],
      controllers: [HealthController, MetricsController, LogLevelController],
      providers: [
        { provide: LogOutput, useValue: output },
        // The root logger nestjs-pino's middleware made for this application (set while modules register).
        { provide: LogLevelService, useFactory: () => new LogLevelService(() => PinoLogger.root) },
        DriverMetrics,
        OvsdbHealth,
        VerbHooks,
        LogFileService,
      ],
      exports: [DriverMetrics],
    };
  }
}
