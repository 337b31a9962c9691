import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tunnelOverhead } from '../domain/tunnel-mtu';
import type { DatabaseView } from './views';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
  /** A warning does not fail the run. */
  warning?: boolean;
}

/** What Geneve over IPv4 costs a container's MTU (domain/tunnel-mtu.ts, as the driver's default MTU counts it). */
export const GENEVE_OVERHEAD = tunnelOverhead('geneve', 4)!;

/** Is ovn-controller running on this host? Its pidfile in the OVN run directory names a live process. */
export function ovnControllerCheck(rundir: string): Check {
  const pidfile = path.join(rundir, 'ovn-controller.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(pidfile, 'utf8').trim());
  } catch {
    return {
      name: 'ovn-controller running',
      ok: false,
      detail: `no ${pidfile}`,
      fix: 'start ovn-controller (systemctl start ovn-controller, or /usr/share/ovn/scripts/ovn-ctl start_controller)',
    };
  }
  let alive = pid > 0;
  try {
    process.kill(pid, 0);
    alive = alive && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch (e) {
    // EPERM: it runs, as another user. ESRCH may only mean another PID namespace (a container, the managed
    // plugin): its control socket, which it removes when it exits, still tells.
    alive = alive && ((e as NodeJS.ErrnoException).code === 'EPERM' || existsSync(path.join(rundir, `ovn-controller.${pid}.ctl`)));
  }
  return alive
    ? { name: 'ovn-controller running', ok: true, detail: `pid ${pid}` }
    : {
        name: 'ovn-controller running',
        ok: false,
        detail: `pid ${pid} from ${pidfile} is not running`,
        fix: 'start ovn-controller (systemctl start ovn-controller, or /usr/share/ovn/scripts/ovn-ctl start_controller); endpoints stay down until it runs',
      };
}

/** Checks on what the driver reports: its sessions, br-int, the chassis settings and network MTUs. */
export function driverChecks(
  readiness: { status?: string; nb?: string; ovs?: string; nbError?: string; ovsError?: string },
  db: DatabaseView | undefined,
  bridge: { Bridge?: string; UUID?: string } | undefined,
  underlayMtu: number,
): Check[] {
  const checks: Check[] = [
    readiness.nb === 'ready'
      ? { name: 'NB reachable', ok: true, detail: 'session ready' }
      : {
          name: 'NB reachable',
          ok: false,
          detail: `NB session ${readiness.nb ?? 'unknown'}${readiness.nbError ? `: ${readiness.nbError}` : ''}`,
          fix: readiness.nbError?.includes('cannot be used')
            ? 'upgrade the OVN central (NB schema) to OVN 23.03 or newer; the driver connects again by itself'
            : 'check OVN_DRIVER_NB (or external_ids:ovn-nb, read when the driver starts: restart it after a change) and that ovsdb-server for the NB DB listens there',
        },
    readiness.ovs === 'ready'
      ? { name: 'OVS reachable', ok: true, detail: 'session ready' }
      : {
          name: 'OVS reachable',
          ok: false,
          detail: `OVS session ${readiness.ovs ?? 'unknown'}${readiness.ovsError ? `: ${readiness.ovsError}` : ''}`,
          fix: 'start openvswitch-switch and check OVN_DRIVER_OVS_DB',
        },
  ];
  if (!db) return checks;
  const host = db.Host ?? {};
  // The bridge and the chassis settings come from the driver's copy of the local OVS DB: empty while its
  // session is not ready, which the check above reports (their fixes would then be wrong, even harmful).
  if (readiness.ovs === 'ready')
    checks.push(
      bridge?.UUID
        ? { name: 'integration bridge present', ok: true, detail: bridge.Bridge ?? '' }
        : {
            name: 'integration bridge present',
            ok: false,
            detail: `${bridge?.Bridge ?? 'br-int'} not in OVS`,
            fix: `ovs-vsctl --may-exist add-br ${bridge?.Bridge ?? 'br-int'} (ovn-controller creates it once it runs)`,
          },
      host.SystemId
        ? { name: 'system-id set', ok: true, detail: host.SystemId }
        : {
            name: 'system-id set',
            ok: false,
            detail: 'external_ids:system-id unset',
            fix: 'ovs-vsctl set open_vswitch . external_ids:system-id=$(hostname), and hostname > /etc/openvswitch/system-id.conf, which ovs-ctl sets it from at each start (only while unset: a new one renames the chassis)',
          },
      host.EncapIp
        ? { name: 'encap ip set', ok: true, detail: `${host.EncapType ?? 'geneve'} ${host.EncapIp}` }
        : {
            name: 'encap ip set',
            ok: false,
            detail: 'external_ids:ovn-encap-ip unset',
            fix: "ovs-vsctl set open_vswitch . external_ids:ovn-encap-ip=<this host's underlay IP> external_ids:ovn-encap-type=geneve",
          },
    );
  // The tunnel this host uses: its first encap type, over the family of its encap address (IPv6 costs 20 more).
  const overhead = tunnelOverhead((host.EncapType ?? 'geneve').split(',')[0]!, host.EncapIp?.includes(':') ? 6 : 4) ?? GENEVE_OVERHEAD;
  const tooBig = db.Networks.filter((n) => n.Mtu !== undefined && n.Mtu + overhead > underlayMtu);
  checks.push(
    tooBig.length === 0
      ? { name: 'MTU fits Geneve', ok: true, detail: `networks at most ${underlayMtu - overhead}` }
      : {
          name: 'MTU fits Geneve',
          ok: false,
          warning: true,
          detail: `${tooBig.map((n) => `${n.NetworkID.slice(0, 12)} mtu ${n.Mtu}`).join(', ')} > ${underlayMtu} - ${overhead}`,
          fix: `create the networks with -o mtu=${underlayMtu - overhead}, or without -o mtu (the driver then leaves the tunnel its room); cross-host traffic is otherwise dropped`,
        },
  );
  return checks;
}

export function formatChecks(checks: Check[]): string {
  return checks
    .map((c) => `${c.ok ? 'ok  ' : c.warning ? 'warn' : 'FAIL'}  ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : `\n      fix: ${c.fix}`}`)
    .join('\n');
}

/** GET /debug/orphans: what the reconciler would remove on the driver's host. */
export interface OrphansView {
  ovsPorts: { ifaceId: string; portName: string }[];
  veths: string[];
  logicalPorts: { endpointId: string; networkId: string; lspName: string; portName?: string }[];
  /** Absent from a driver older than this CLI. */
  networks?: { networkId: string; switchName: string }[];
  /** Running containers' veths without their OVS port (absent from older drivers). */
  unplugged?: { endpointId: string; networkId?: string; portName: string; sandboxKey?: string }[];
  /** Running containers' veths without their logical port (absent from older drivers). */
  stranded?: { portName: string; ifaceId?: string }[];
  dockerUnreachable?: string;
  reconcileIntervalS: number;
}

/**
 * Leftovers of a crash or a lost request. A warning while the reconciler runs (it removes them once they
 * look orphaned on two passes); a failure with it off. The fix is the by-hand removal of each.
 */
export function orphansCheck(o: OrphansView | undefined, bridge: string): Check {
  const name = 'no orphans';
  if (!o) return { name, ok: false, warning: true, detail: 'GET /debug/orphans did not answer (a driver older than this CLI?)' };
  const found = [
    ...o.ovsPorts.map((p) => `OVS port ${p.portName}`),
    ...o.veths.map((v) => `veth ${v}`),
    ...o.logicalPorts.map((p) => `logical port ${p.lspName}`),
    ...(o.networks ?? []).map((n) => `network ${n.networkId.slice(0, 12)} (switch ${n.switchName})`),
    ...(o.unplugged ?? []).map((u) => `running endpoint ${u.endpointId.slice(0, 12)} without its OVS port (veth ${u.portName})`),
  ];
  if (found.length === 0) return { name, ok: true, detail: 'nothing for the reconciler to remove' };
  const byHand = [
    ...o.ovsPorts.map((p) => `ovs-vsctl del-port ${bridge} ${p.portName}`),
    ...o.veths.map((v) => `ip link del ${v}`),
    ...o.logicalPorts.map(
      (p) =>
        (p.portName ? `ovs-vsctl del-port ${bridge} ${p.portName}; ip link del ${p.portName}; ` : '') + `ovn-nbctl lsp-del ${p.lspName}`,
    ),
    // A switch may carry other hosts' networks (a docker-ovn:network: key each): it goes with the last one.
    ...(o.networks ?? []).map(
      (n) =>
        `ovn-nbctl remove Logical_Switch ${n.switchName} external_ids docker-ovn:network:${n.networkId} (then ls-del it if no docker-ovn:network: key is left)`,
    ),
    ...(o.unplugged ?? []).map(
      // The driver's own keys too: without them it would not count the port as its own and list it still.
      (u) =>
        `ovs-vsctl add-port ${bridge} ${u.portName} -- set Interface ${u.portName} external_ids:iface-id=${u.endpointId} 'external_ids:docker-ovn\\:owner=docker-ovn-driver'` +
        (u.networkId ? ` 'external_ids:docker-ovn\\:network-id=${u.networkId}'` : '') +
        // Its sandbox too, by which the driver keeps the container's routes.
        (u.sandboxKey
          ? ` 'external_ids:docker-ovn\\:sandbox-key=${u.sandboxKey}' external_ids:vm-id=${u.sandboxKey.split('/').pop()}`
          : ''),
    ),
  ].join('; ');
  const on = o.reconcileIntervalS > 0;
  return {
    name,
    ok: false,
    warning: on,
    detail: `${found.join(', ')} (the reconciler ${on ? `mends them within ${2 * o.reconcileIntervalS} s` : 'is off: OVN_DRIVER_RECONCILE_INTERVAL_S=0'})`,
    // By hand, an OVN IPAM address stays taken and a network's router port and policy stay: the reconciler
    // does what DeleteEndpoint/DeleteNetwork would.
    fix: on
      ? 'wait for the reconciler'
      : `turn the reconciler on (OVN_DRIVER_RECONCILE_INTERVAL_S=60), which also gives OVN IPAM addresses back; by hand: ${byHand}`,
  };
}

/**
 * What the reconciler cannot mend: running containers' interfaces whose logical port is gone from NB, and a
 * dockerd it cannot ask (then nothing dockerd dropped counts as gone, and leftovers pile up unseen).
 */
export function reconcilerLimitsCheck(o: OrphansView | undefined): Check {
  const name = 'containers and dockerd as the reconciler sees them';
  if (!o) return { name, ok: false, warning: true, detail: 'GET /debug/orphans did not answer (a driver older than this CLI?)' };
  const stranded = o.stranded ?? [];
  if (stranded.length > 0)
    return {
      name,
      ok: false,
      detail: `running containers' interfaces without a logical port in NB: ${stranded.map((s) => `veth ${s.portName}`).join(', ')} (deleted by hand, or NB restored from an older backup)`,
      fix: 'reconnect each container (docker network disconnect NET CONTAINER; docker network connect NET CONTAINER) or restart it; `docker-ovn-driver endpoints CONTAINER` names its networks',
    };
  if (o.dockerUnreachable)
    return {
      name,
      ok: false,
      warning: true,
      detail: `dockerd cannot be asked (${o.dockerUnreachable}): endpoints and networks it dropped while the driver was away stay until it can`,
      fix: 'point OVN_DRIVER_DOCKER_SOCKET at the Docker API socket; in the managed plugin after dockerd made its socket anew (no systemd socket activation): docker plugin disable -f and enable the plugin',
    };
  return {
    name,
    ok: true,
    detail: "every running container's interface has its logical port; dockerd answered when asked",
  };
}
