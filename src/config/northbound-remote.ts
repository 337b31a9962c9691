import { OpenVSwitch, OvsdbClient, type OvsdbLogger } from 'ovsdb-client';
import type { DriverConfig } from './driver-config';
import { requireTlsFiles } from './tls-files';

/**
 * Upper bound of the start-up check. dockerd dials a managed plugin's socket 0.5 s after starting it, then
 * three more times 3 s apart (moby plugin/manager_linux.go pluginPostStart): the driver must be listening
 * within about 9 s, node and Nest included.
 */
const CHECK_TIMEOUT_MS = 5000;

/** No OVN Northbound DB is configured or discoverable: the driver must not start. */
export class OvnNotConfiguredError extends Error {}

/** Reads `external_ids:ovn-nb` of the Open_vSwitch row at `remote`; rejects when the DB does not answer in time. */
export async function readOvnNbFromOvs(remote: string, timeoutMs: number): Promise<string | undefined> {
  let lastError: string | undefined;
  const capture = (obj: object | string) => {
    const err = typeof obj === 'object' ? (obj as { err?: unknown }).err : undefined;
    if (typeof err === 'string') lastError = err;
  };
  const logger: OvsdbLogger = { debug: capture, info: capture, warn: capture, error: capture };
  const client = new OvsdbClient<OpenVSwitch.TableMap>({
    remotes: remote,
    database: OpenVSwitch.SCHEMA_NAME,
    tables: { Open_vSwitch: ['external_ids'] },
    requestTimeoutMs: timeoutMs,
    probeIntervalMs: 0,
    reconnectMinMs: 100,
    reconnectMaxMs: 500,
    leaderOnly: false,
    logger,
  });
  client.start();
  try {
    await client.ready({ timeoutMs }).catch(() => {
      throw new Error(`the local Open_vSwitch DB ${remote} did not answer within ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}`);
    });
    for (const row of client.cache.table(OpenVSwitch.Tables.Open_vSwitch).values()) {
      const nb = row.external_ids['ovn-nb'];
      if (nb) return nb;
    }
    return undefined;
  } finally {
    await client.close();
  }
}

/**
 * The Northbound remote the driver will use: OVN_DRIVER_NB, else the local Open_vSwitch
 * `external_ids:ovn-nb` (as the seed driver). Throws {@link OvnNotConfiguredError} when neither gives one,
 * so that the driver exits before its plugin socket listens and `docker plugin enable` fails, instead of
 * enabling a driver whose every verb would fail.
 */
export async function requireNorthboundRemote(
  config: Readonly<DriverConfig>,
  read: (remote: string, timeoutMs: number) => Promise<string | undefined> = readOvnNbFromOvs,
): Promise<string> {
  if (config.OVN_DRIVER_NB) return config.OVN_DRIVER_NB;
  const remote = config.OVN_DRIVER_OVS_DB;
  let nb: string | undefined;
  let why: string;
  try {
    nb = await read(remote, Math.min(config.OVN_DRIVER_OVSDB_TIMEOUT_MS, CHECK_TIMEOUT_MS));
    why = `external_ids:ovn-nb is not set in the local Open_vSwitch DB ${remote}`;
  } catch (e) {
    why = `cannot read external_ids:ovn-nb: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (nb) return nb;
  throw new OvnNotConfiguredError(
    `refusing to start: no OVN Northbound DB configured: OVN_DRIVER_NB is not set and ${why}. ` +
      'Set OVN_DRIVER_NB (managed plugin: docker plugin set PLUGIN OVN_DRIVER_NB=tcp:IP:6641), or ' +
      'external_ids:ovn-nb on this host (ovs-vsctl set Open_vSwitch . external_ids:ovn-nb=tcp:IP:6641), ' +
      'and make the local Open_vSwitch DB reachable (OVN_DRIVER_OVS_DB)',
  );
}

/**
 * The config the application runs with: `config` with OVN_DRIVER_NB set to the remote
 * {@link requireNorthboundRemote} found, with the TLS files an ssl: remote needs checked ({@link requireTlsFiles}).
 * Resolved once at start, so the sessions never look for it again.
 */
export async function withNorthboundRemote(
  config: Readonly<DriverConfig>,
  read?: (remote: string, timeoutMs: number) => Promise<string | undefined>,
): Promise<Readonly<DriverConfig>> {
  const nb = await requireNorthboundRemote(config, read);
  const resolved: Readonly<DriverConfig> = Object.freeze(
    Object.assign(Object.create(Object.getPrototypeOf(config) as object) as DriverConfig, config, { OVN_DRIVER_NB: nb }),
  );
  requireTlsFiles(resolved);
  return resolved;
}
