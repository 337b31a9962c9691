import { Logger } from '@nestjs/common';
import { containerMtu, DEFAULT_MTU } from '../../domain/tunnel-mtu';
import type { LinkOps } from '../host/link-ops';
import type { LocalSwitchRepository } from '../ovn/local-switch.repository';

/** How long a derived MTU is reused before the chassis' settings and the underlay link are read again. */
const REFRESH_MS = 30_000;

/**
 * The MTU of a container whose network names none (`-o mtu`): what the tunnel to the other chassis leaves
 * of the link holding this chassis' tunnel address (domain/tunnel-mtu.ts), at most 1500. The same on a
 * single host, whose tunnel endpoint is commonly loopback: 1500.
 */
export class DefaultMtu {
  private cached?: { key: string; mtu: number; until: number };

  constructor(
    private readonly ovs: LocalSwitchRepository,
    private readonly links: LinkOps,
    private readonly logger: Logger,
  ) {}

  get(): number {
    const encap = this.ovs.encapsulation();
    const key = encap ? `${encap.types}|${encap.ip}` : '';
    const now = Date.now();
    if (this.cached && this.cached.key === key && now < this.cached.until) return this.cached.mtu;
    const { mtu, why } = this.derive(encap);
    if (this.cached?.mtu !== mtu || this.cached.key !== key)
      this.logger.log(`containers on networks without -o mtu get MTU ${mtu}: ${why}`);
    this.cached = { key, mtu, until: now + REFRESH_MS };
    return mtu;
  }

  private derive(encap: { types: string; ip: string } | undefined): { mtu: number; why: string } {
    if (!encap) return { mtu: DEFAULT_MTU, why: 'no ovn-encap-type/ovn-encap-ip on this chassis, so no tunnel' };
    const link = this.links.linkHolding(encap.ip);
    if (!link)
      return {
        mtu: DEFAULT_MTU,
        why: `no link of this host holds ovn-encap-ip ${encap.ip}, or its MTU cannot be read; give networks -o mtu if the tunnel needs room`,
      };
    const mtu = containerMtu(encap.types, link.mtu, encap.ip.includes(':') ? 6 : 4);
    if (mtu === undefined)
      return { mtu: DEFAULT_MTU, why: `tunnel type ${encap.types} has no known overhead; give networks -o mtu if it needs room` };
    return { mtu, why: `${encap.types} tunnel from ${encap.ip} on ${link.name} (MTU ${link.mtu})` };
  }
}
