import { EnvChoice, EnvFlag, EnvInt, EnvString } from './env.decorators';

/** An OVSDB remote or comma-separated list of them: unix:PATH, tcp:HOST:PORT, ssl:HOST:PORT. */
const REMOTES = /^((unix:\/\S+|(tcp|ssl):[^,\s]+:\d+)(,|$))+$/;
const ABSOLUTE_PATH = /^\/[^\0]*$/;
/** Linux interface names: at most 15 bytes, no '/' or whitespace (dev_valid_name in the kernel). */
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * The driver's configuration: read once from the environment at start, validated, frozen.
 * Every key is settable with `docker plugin set KEY=VALUE` on the managed plugin.
 */
export class DriverConfig {
  /** Debug-level logs. */
  @EnvFlag() DEBUG = false;

  /**
   * JSON log file, written besides stdout and reopened on SIGHUP or when renamed or removed (logrotate);
   * empty: stdout only. The managed plugin mounts /var/log/openvswitch from the host.
   */
  @EnvString(ABSOLUTE_PATH, 'an absolute path, or empty for stdout only', { emptyMeansOff: true })
  OVN_DRIVER_LOG_FILE = '/var/log/openvswitch/docker-ovn-driver.log';

  /** Address of the HTTP listener (the plugin socket's read-only verbs, plus /docs, /metrics, /healthz, /readyz, /log-level). */
  @EnvString(/^[0-9A-Za-z.:-]+$/, 'an IP address or host name') OVN_DRIVER_ADDR = '127.0.0.1';

  /** Port of the HTTP listener; 0 turns it off. */
  @EnvInt(0, 65535) OVN_DRIVER_PORT = 9105;

  /**
   * The plugin verbs that change networks, endpoints or addresses on the HTTP listener too. Off: any local
   * user reaches 127.0.0.1, while the plugin socket is root's; the read-only verbs are served either way.
   */
  @EnvFlag() OVN_DRIVER_HTTP_VERBS = false;

  /** Unix socket dockerd talks to; /run/docker/plugins/NAME.sock makes the driver known as NAME. */
  @EnvString(ABSOLUTE_PATH, 'an absolute path') OVN_DRIVER_SOCKET = '/run/docker/plugins/ovn.sock';

  /** Northbound DB remote(s); when unset, read from the local Open_vSwitch external_ids:ovn-nb. */
  @EnvString(REMOTES, 'an OVSDB remote list such as unix:/var/run/ovn/ovnnb_db.sock or tcp:10.0.0.1:6641', { optional: true })
  OVN_DRIVER_NB?: string;

  /** The local Open_vSwitch DB. */
  @EnvString(REMOTES, 'an OVSDB remote such as unix:/var/run/openvswitch/db.sock')
  OVN_DRIVER_OVS_DB = 'unix:/var/run/openvswitch/db.sock';

  /** Integration bridge the container ports go into. */
  @EnvString(IFNAME, 'a bridge name of at most 15 characters') OVN_DRIVER_BRIDGE = 'br-int';

  /** Capability scope answered to dockerd: local, or global for networks spanning hosts through one NB. */
  @EnvChoice(['local', 'global']) OVN_DRIVER_SCOPE: 'local' | 'global' = 'local';

  /**
   * Upper bound for one OVSDB request before the verb answers Err (dockerd waits 30 s per call); a verb's
   * transactions also end with its request's 25 s (VERB_BUDGET_MS).
   */
  @EnvInt(100, 25000) OVN_DRIVER_OVSDB_TIMEOUT_MS = 4000;

  /**
   * Seconds after start during which a verb that needs OVSDB waits for the first connection instead of
   * answering 503 (dockerd restores containers as soon as the plugin answers); 0 never waits. A Join held
   * that long still makes the host side (OVSDB requests of up to 4 s) and waits up to 10 s for
   * ovn-controller: the default keeps it well within dockerd's 30 s per call.
   */
  @EnvInt(0, 25) OVN_DRIVER_STARTUP_WAIT_S = 10;

  /**
   * How long Join waits for ovn-controller to install the port's flows; 0 does not wait. The wait also
   * ends 25 s after the request arrived (VERB_BUDGET_MS), so a Join held at start-up answers in time.
   */
  @EnvInt(0, 25000) OVN_DRIVER_JOIN_TIMEOUT_MS = 10000;

  /** Seconds between reconciler passes (it also runs at start); 0 turns it off. */
  @EnvInt(0, 86400) OVN_DRIVER_RECONCILE_INTERVAL_S = 60;

  /** Docker API socket the reconciler asks which endpoints exist. */
  @EnvString(ABSOLUTE_PATH, 'an absolute path') OVN_DRIVER_DOCKER_SOCKET = '/var/run/docker.sock';

  /** Private key for ssl: remotes. */
  @EnvString(ABSOLUTE_PATH, 'an absolute path', { optional: true }) OVN_DRIVER_SSL_KEY?: string;
  /** Certificate for ssl: remotes. */
  @EnvString(ABSOLUTE_PATH, 'an absolute path', { optional: true }) OVN_DRIVER_SSL_CERT?: string;
  /** CA certificate for ssl: remotes. */
  @EnvString(ABSOLUTE_PATH, 'an absolute path', { optional: true }) OVN_DRIVER_SSL_CA?: string;
}
