import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createGenericNetlink, createNetlink, genl, Protocol, type GenericNetlinkSocket, type NetlinkSocket } from 'netlink';
import { DriverError } from '../../protocol/errors';
import { IpBatch } from './ip-batch';
import { ETHTOOL_GENL_NAME, ETHTOOL_GENL_VERSION, ETHTOOL_MSG_FEATURES_SET, featuresOff, TX_CHECKSUM_FEATURES } from './ethtool-netlink';
import { LinkOps, RETIRED_LINK_GROUP } from './link-ops';
import { deleteLinkByName, newVethPair, NLM_F_CREATE, NLM_F_EXCL, RTM_DELLINK, RTM_NEWLINK, RTM_SETLINK, setLinkGroup } from './rtnetlink';

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** When retired links are deleted: after this long without another retirement, or this old, or this many. */
export interface ReapPolicy {
  idleMs: number;
  maxAgeMs: number;
  maxBatch: number;
}

const DEFAULT_REAP: ReapPolicy = { idleMs: 200, maxAgeMs: 2000, maxBatch: 256 };

function checkName(name: string): void {
  // Names come from validated Docker IDs; this guards the request against anything else.
  if (!IFNAME.test(name)) throw new DriverError('BAD_IFNAME', `invalid interface name "${name}"`);
}

const REQUEST_TIMEOUT_MS = 5000;

function closeQuietly(socket: NetlinkSocket): void {
  try {
    socket.close();
  } catch {
    // already closed by the native side
  }
}

/** The errno name of a refused request (the netlink package rejects with "Request rejected: EEXIST"). */
function errnoOf(e: unknown): string | undefined {
  return /Request rejected: (E[A-Z0-9]+)/.exec((e as Error)?.message ?? '')?.[1];
}

/**
 * LinkOps over one rtnetlink socket: a change is one request to the kernel, with no process to spawn. The
 * kernel runs the request inside the sending syscall (about 1 ms for a veth pair); deletions, which wait for
 * in-flight packets, are batched (retireLink) so that wait is paid once per batch, not once per Leave.
 * Reads list the links of the driver's network namespace from /proc/self/net/dev (which, unlike
 * /sys/class/net, always shows the reader's own namespace).
 */
@Injectable()
export class NetlinkLinkOps extends LinkOps implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NetlinkLinkOps.name);
  private socket?: NetlinkSocket;
  /** Generic netlink socket and the ethtool family id, made on the first ethtool request. */
  private ethtool?: Promise<{ socket: GenericNetlinkSocket; family: number }>;
  /** Links retired and not yet deleted. */
  private readonly retiredNames = new Set<string>();
  private firstRetiredAt = 0;
  private reapTimer?: NodeJS.Timeout;
  private reaping: Promise<void> = Promise.resolve();
  /** Runs the deletions of retired links (see deleteRetired). */
  private readonly ip = new IpBatch();
  private closed = false;

  constructor(
    private readonly netDev = '/proc/self/net/dev',
    private readonly reap: ReapPolicy = DEFAULT_REAP,
  ) {
    super();
  }

  /** Retired links a crashed run left behind go first (a failure is logged: the next reap retries). */
  async onModuleInit(): Promise<void> {
    await this.deleteRetired().catch((e: unknown) =>
      this.logger.warn(`deleting retired links left by an earlier run failed: ${(e as Error).message}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushRetired();
    this.closed = true;
    await this.ip.close();
    this.dropSocket();
    this.dropEthtool();
  }

  async createVethPair(hostName: string, peerName: string, opts: { mtu?: number; peerMac?: string }): Promise<void> {
    checkName(hostName);
    checkName(peerName);
    if (opts.peerMac && !MAC.test(opts.peerMac)) throw new DriverError('BAD_MAC', `invalid MAC ${opts.peerMac}`);
    if (opts.mtu !== undefined && !Number.isInteger(opts.mtu)) throw new DriverError('BAD_MTU', `invalid MTU ${opts.mtu}`);
    const body = newVethPair(hostName, peerName, opts);
    this.retiredNames.delete(hostName);
    try {
      await this.request(RTM_NEWLINK, body, NLM_F_CREATE | NLM_F_EXCL);
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw this.failed(`creating veth ${hostName}/${peerName}`, e);
      // A pair left by an earlier attempt of this Join (or retired and not yet deleted) is replaced.
      await this.deleteLink(hostName);
      await this.deleteLink(peerName);
      await this.request(RTM_NEWLINK, body, NLM_F_CREATE | NLM_F_EXCL).catch((again: unknown) => {
        throw this.failed(`creating veth ${hostName}/${peerName}`, again);
      });
    }
  }

  /** Deletes a link now (a veth's peer goes with it). A missing link is not an error. */
  async deleteLink(name: string): Promise<void> {
    checkName(name);
    this.retiredNames.delete(name);
    await this.request(RTM_DELLINK, deleteLinkByName(name)).catch((e: unknown) => {
      if (errnoOf(e) !== 'ENODEV') throw this.failed(`deleting link ${name}`, e);
    });
  }

  async retireLink(name: string): Promise<void> {
    checkName(name);
    // DeleteEndpoint follows Leave and retires the same veth again: no need to ask the kernel twice.
    if (this.retiredNames.has(name)) return;
    try {
      await this.request(RTM_SETLINK, setLinkGroup(name, RETIRED_LINK_GROUP));
    } catch (e) {
      if (errnoOf(e) === 'ENODEV') return;
      throw this.failed(`retiring link ${name}`, e);
    }
    this.retiredNames.add(name);
    this.scheduleReap();
  }

  async disableTxChecksum(name: string): Promise<void> {
    checkName(name);
    if (this.closed) throw new DriverError('HOST_LINK_FAILED', 'the driver is shutting down');
    try {
      const { socket, family } = await this.ethtoolFamily();
      await socket.request(family, ETHTOOL_MSG_FEATURES_SET, ETHTOOL_GENL_VERSION, featuresOff(name, TX_CHECKSUM_FEATURES), {
        timeout: REQUEST_TIMEOUT_MS,
      });
    } catch (e) {
      if (e instanceof DriverError) throw e;
      throw this.failed(`turning off tx checksum offload on ${name}`, e);
    }
  }

  async listLinks(): Promise<string[]> {
    let text: string;
    try {
      // procfs answers from memory in microseconds: a synchronous read is cheaper than the five thread-pool
      // round trips of an asynchronous one (open, fstat, read until EOF, close).
      text = readFileSync(this.netDev, 'utf8');
    } catch (e) {
      throw new DriverError('HOST_LINK_FAILED', `reading ${this.netDev}: ${(e as Error).message}`);
    }
    // Two header lines, then "  NAME: counters…" per link (names cannot contain ':').
    return text
      .split('\n')
      .slice(2)
      .map((line) => line.split(':')[0]!.trim())
      .filter((name) => name.length > 0);
  }

  linkHolding(address: string): { name: string; mtu: number } | undefined {
    const want = address.toLowerCase();
    // getifaddrs(3) names the link; its MTU is in sysfs (mounted in the managed plugin too, in the host's netns).
    const name = Object.entries(networkInterfaces()).find(([, addrs]) => addrs?.some((a) => a.address.toLowerCase() === want))?.[0];
    if (!name || !IFNAME.test(name)) return undefined;
    try {
      const mtu = Number(readFileSync(`/sys/class/net/${name}/mtu`, 'utf8').trim());
      return Number.isInteger(mtu) && mtu > 0 ? { name, mtu } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Deletes the retired links now (and waits for a deletion already running). */
  async flushRetired(): Promise<void> {
    clearTimeout(this.reapTimer);
    this.reapTimer = undefined;
    if (this.retiredNames.size > 0) this.startReap();
    await this.reaping;
  }

  private scheduleReap(): void {
    const now = Date.now();
    if (this.retiredNames.size === 1) this.firstRetiredAt = now;
    clearTimeout(this.reapTimer);
    const dueIn = Math.min(this.reap.idleMs, this.firstRetiredAt + this.reap.maxAgeMs - now);
    if (this.retiredNames.size >= this.reap.maxBatch || dueIn <= 0) {
      this.reapTimer = undefined;
      this.startReap();
      return;
    }
    this.reapTimer = setTimeout(() => {
      this.reapTimer = undefined;
      this.startReap();
    }, dueIn);
    this.reapTimer.unref();
  }

  private startReap(): void {
    const count = this.retiredNames.size;
    this.retiredNames.clear();
    this.reaping = this.reaping.then(() =>
      this.deleteRetired().catch((e: unknown) => {
        // Left in the group: the next reap (or the next start) deletes them.
        this.logger.warn(`deleting ${count} retired links failed: ${(e as Error).message}`);
      }),
    );
  }

  /**
   * `ip link delete group` in the driver's long-lived `ip -batch` process ({@link IpBatch}), off the
   * request path: the kernel does the deletion inside the request, waiting for in-flight packets (and for
   * any holder of a device to let go), and in this process that wait would block the event loop. An empty
   * group answers "No such device".
   */
  private async deleteRetired(): Promise<void> {
    const command = `link delete group ${RETIRED_LINK_GROUP}`;
    let errors: string[];
    try {
      ({ errors } = await this.ip.run(command));
    } catch (e) {
      throw new DriverError('HOST_LINK_FAILED', `ip ${command}: ${(e as Error).message}`);
    }
    const real = errors.filter((l) => !/No such device|^Command failed/.test(l));
    if (real.length > 0) throw new DriverError('HOST_LINK_FAILED', `ip ${command}: ${real.join('; ')}`);
  }

  private async request(type: number, body: Buffer, flags = 0): Promise<void> {
    if (this.closed) throw new DriverError('HOST_LINK_FAILED', 'the driver is shutting down');
    await this.connected().request(type, body, { flags, timeout: REQUEST_TIMEOUT_MS });
  }

  /** The socket, made on first use and again after the native side reported it broken. */
  private connected(): NetlinkSocket {
    if (this.socket) return this.socket;
    const socket = createNetlink(Protocol.ROUTE);
    socket.on('error', (e) => {
      this.logger.warn(`rtnetlink socket: ${e.message}; the next request opens a new one`);
      if (this.socket === socket) this.dropSocket();
    });
    this.socket = socket;
    return socket;
  }

  /**
   * Generic netlink families get their ids at registration: the controller (CTRL_CMD_GETFAMILY) names the
   * id of "ethtool" once per socket. A failed lookup is not kept, so the next request asks again.
   */
  private ethtoolFamily(): Promise<{ socket: GenericNetlinkSocket; family: number }> {
    this.ethtool ??= (async () => {
      const socket = createGenericNetlink();
      socket.socket.on('error', (e) => {
        this.logger.warn(`generic netlink socket: ${e.message}; the next request opens a new one`);
        this.dropEthtool();
      });
      try {
        const [found] = await socket.ctrlRequest(
          genl.Commands.GET_FAMILY,
          { familyName: ETHTOOL_GENL_NAME },
          { timeout: REQUEST_TIMEOUT_MS },
        );
        if (found?.familyId === undefined) throw new Error('no family id in the answer');
        return { socket, family: found.familyId };
      } catch (e) {
        closeQuietly(socket.socket);
        // ENOENT: a kernel before 5.6, or one built without CONFIG_ETHTOOL_NETLINK.
        throw new DriverError(
          'HOST_LINK_FAILED',
          `generic netlink family "${ETHTOOL_GENL_NAME}" (kernel 5.6 or later): ${errnoOf(e) ?? (e as Error).message}`,
        );
      }
    })();
    this.ethtool.catch(() => (this.ethtool = undefined));
    return this.ethtool;
  }

  private dropEthtool(): void {
    const pending = this.ethtool;
    this.ethtool = undefined;
    pending?.then(({ socket }) => closeQuietly(socket.socket)).catch(() => undefined);
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) closeQuietly(socket);
  }

  private failed(what: string, e: unknown): DriverError {
    const errno = errnoOf(e);
    // A managed plugin without CAP_NET_ADMIN (plugin/config.json linux.capabilities) gets EPERM.
    const hint = errno === 'EPERM' ? ' (the driver needs CAP_NET_ADMIN in the host network namespace)' : '';
    return new DriverError('HOST_LINK_FAILED', `${what}: ${errno ?? (e as Error).message}${hint}`);
  }
}
