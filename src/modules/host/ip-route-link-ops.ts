import { execFile } from 'node:child_process';
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
 * LinkOps through iproute2 (`ip`), one process per step with an argument array, never a shell.
 * `ip -batch` runs several steps in one process.
 */
@Injectable()
export class IpRouteLinkOps extends LinkOps {
  constructor(private readonly ipBinary = 'ip') {
    super();
  }

  async createVethPair(hostName: string, peerName: string, opts: { mtu?: number; peerMac?: string }): Promise<void> {
    checkName(hostName);
    checkName(peerName);
    if (opts.peerMac && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(opts.peerMac)) throw new DriverError('BAD_MAC', `invalid MAC ${opts.peerMac}`);
    await this.deleteLink(hostName);
    const mtu = opts.mtu ? ['mtu', String(opts.mtu)] : [];
    const mac = opts.peerMac ? ['address', opts.peerMac] : [];
    await this.ip(['link', 'add', hostName, ...mtu, 'type', 'veth', 'peer', 'name', peerName, ...mtu, ...mac]);
    try {
      await this.ip(['link', 'set', hostName, 'up']);
    } catch (e) {
      await this.deleteLink(hostName);
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
    try {
      await run(this.ipBinary, ['link', 'show', 'dev', name], { timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  }

  async listLinks(): Promise<string[]> {
    const { stdout } = await run(this.ipBinary, ['-o', 'link', 'show'], { timeout: 5000 });
    // "12: ovn9f79172a592e@if11: <...>" → "ovn9f79172a592e"
    return stdout
      .split('\n')
      .map((line) => line.split(':')[1]?.trim().split('@')[0])
      .filter((name): name is string => !!name);
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
