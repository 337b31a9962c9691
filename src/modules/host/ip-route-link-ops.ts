import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Injectable } from '@nestjs/common';
import { DriverError } from '../../protocol/errors';
import { LinkOps } from './link-ops';

const run = promisify(execFile);
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

function checkName(name: string): void {
  // Names come from validated Docker IDs; this guards the argument list against anything else.
  if (!IFNAME.test(name)) throw new DriverError('BAD_IFNAME', `invalid interface name "${name}"`);
}

/**
 * LinkOps through iproute2 (`ip`) with an argument array, never a shell. Changes cost one `ip` process
 * each (a Join one, a Leave one); reads cost none: the links of the driver's network namespace are read
 * from /proc/self/net/dev (which, unlike /sys/class/net, always shows the reader's own namespace).
 */
@Injectable()
export class IpRouteLinkOps extends LinkOps {
  constructor(
    private readonly ipBinary = 'ip',
    private readonly netDev = '/proc/self/net/dev',
  ) {
    super();
  }

  async createVethPair(hostName: string, peerName: string, opts: { mtu?: number; peerMac?: string }): Promise<void> {
    checkName(hostName);
    checkName(peerName);
    if (opts.peerMac && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(opts.peerMac)) throw new DriverError('BAD_MAC', `invalid MAC ${opts.peerMac}`);
    if (opts.mtu !== undefined && !Number.isInteger(opts.mtu)) throw new DriverError('BAD_MTU', `invalid MTU ${opts.mtu}`);
    // A pair left by an earlier attempt of this Join is replaced.
    await this.deleteLink(hostName);
    const mtu = opts.mtu ? ['mtu', String(opts.mtu)] : [];
    const mac = opts.peerMac ? ['address', opts.peerMac] : [];
    // One request: the kernel creates the pair and sets the host end up, or (if that fails) creates nothing.
    try {
      await this.ip(['link', 'add', hostName, ...mtu, 'up', 'type', 'veth', 'peer', 'name', peerName, ...mtu, ...mac]);
    } catch (e) {
      await this.deleteLink(hostName).catch(() => undefined);
      throw e;
    }
  }

  async deleteLink(name: string): Promise<void> {
    checkName(name);
    if (!(await this.linkExists(name))) return;
    try {
      await this.ip(['link', 'del', name]);
    } catch (e) {
      if (await this.linkExists(name)) throw e;
    }
  }

  async linkExists(name: string): Promise<boolean> {
    checkName(name);
    return (await this.listLinks()).includes(name);
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

  private async ip(args: string[]): Promise<void> {
    try {
      await run(this.ipBinary, args, { timeout: 5000 });
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr?.trim();
      throw new DriverError('HOST_LINK_FAILED', `ip ${args.join(' ')}: ${stderr || (e as Error).message}`);
    }
  }
}
