import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createDriverApp } from './app.factory';
import { ConfigError, loadConfig } from './config/load-config';
import { OvnNotConfiguredError, withNorthboundRemote } from './config/northbound-remote';

/**
 * Starts the driver: config first (a bad value, or no OVN Northbound DB to use, stops here with exit 2), then
 * the plugin socket within a second.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = await withNorthboundRemote(loadConfig());
  } catch (e) {
    if (e instanceof ConfigError || e instanceof OvnNotConfiguredError) {
      process.stderr.write(`docker-ovn-driver: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const { app, listeners } = await createDriverApp(config);
  const logger = new Logger('main');
  // A rejection nobody handles is a bug, but Node's default, ending the process, would fail every verb of
  // this host until the driver is back, over what is usually a background task's failure: logged instead.
  process.on('unhandledRejection', (reason) =>
    logger.error(`unhandled rejection (a bug; the driver goes on): ${reason instanceof Error ? reason.stack : String(reason)}`),
  );
  await listeners.listenSocket(config.OVN_DRIVER_SOCKET);
  logger.log(`listening on unix:${config.OVN_DRIVER_SOCKET}`);
  if (config.OVN_DRIVER_PORT !== 0) {
    const port = await listeners.listenHttp(config.OVN_DRIVER_ADDR, config.OVN_DRIVER_PORT, { verbs: config.OVN_DRIVER_HTTP_VERBS });
    logger.log(`listening on http://${config.OVN_DRIVER_ADDR}:${port} (swagger UI at /docs; /metrics, /healthz, /readyz, /log-level)`);
  }
  const stop = async (signal: string) => {
    logger.log(`${signal}: finishing in-flight requests`);
    await listeners.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`docker-ovn-driver: failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
