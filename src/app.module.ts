import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from './config/config.module';
import type { DriverConfig } from './config/driver-config';
import { CoreModule } from './core/core.module';
import { EndpointModule } from './modules/endpoint/endpoint.module';
import { IpamModule } from './modules/ipam/ipam.module';
import { ReconcileModule } from './modules/reconcile/reconcile.module';
import { DebugModule } from './modules/debug/debug.module';
import { NetworkModule } from './modules/network/network.module';
import { LogOutput } from './modules/observability/log-output';
import { ObservabilityModule } from './modules/observability/observability.module';
import { verbLogOptions } from './modules/observability/verb-log';

@Module({})
export class AppModule {
  static forRoot(config: Readonly<DriverConfig>): DynamicModule {
    // stdout and OVN_DRIVER_LOG_FILE; a file that cannot be opened is reported once the logger is up.
    const logOutput = LogOutput.open(config.OVN_DRIVER_LOG_FILE);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // One line per verb with its outcome and duration; bodies only at debug level (see verb-log.ts).
        LoggerModule.forRoot({ pinoHttp: [verbLogOptions(config.DEBUG ? 'debug' : 'info'), logOutput] }),
        ObservabilityModule.forRoot(logOutput),
        CoreModule,
        NetworkModule,
        EndpointModule,
        IpamModule,
        ReconcileModule,
        DebugModule,
      ],
    };
  }
}
