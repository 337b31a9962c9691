import { BadRequestError } from '../protocol/errors';
import { parseSubnet } from './address';

/**
 * Ingress policy of an endpoint: which new connections may reach the container over its OVN network.
 * Replies to connections the container starts always flow (OVN conntrack, ACL action allow-related).
 *  - `open`:    everything (Docker's own behaviour, the default);
 *  - `exposed`: only the ports the container exposes (EXPOSE / --expose), and ICMP echo;
 *  - `closed`:  nothing new.
 */
export type IngressMode = 'open' | 'exposed' | 'closed';
export const INGRESS_MODES: readonly IngressMode[] = ['open', 'exposed', 'closed'];

/** The network option and endpoint driver option naming the mode. */
export const INGRESS_OPTION = 'ingress';
/** Endpoint driver option: the only sources allowed in, as CIDRs (comma-separated). */
export const INGRESS_FROM_OPTION = 'ingress-from';

/** dockerd's key for the container's exposed ports in CreateEndpoint's Options (libnetwork/netlabel). */
export const EXPOSED_PORTS = 'com.docker.network.endpoint.exposedports';

/** IP protocol numbers dockerd uses for exposed ports (libnetwork/types.Protocol). */
const PROTOCOLS: Record<number, 'tcp' | 'udp' | 'sctp'> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

export interface ExposedPort {
  proto: 'tcp' | 'udp' | 'sctp';
  port: number;
}

/** What an endpoint lets in; `undefined` where it lets everything in (no ACL at all). */
export interface EndpointPolicy {
  mode: IngressMode;
  /** Sorted, deduplicated. */
  ports: ExposedPort[];
  /** Allowed sources (CIDRs); empty: any. */
  from: string[];
}

export function parseIngressMode(value: unknown, what: string): IngressMode {
  if (typeof value === 'string' && (INGRESS_MODES as readonly string[]).includes(value)) return value as IngressMode;
  throw new BadRequestError(`${what} ${JSON.stringify(value)} must be one of ${INGRESS_MODES.join(', ')}`);
}

/** The endpoint driver options (`--driver-opt KEY=VALUE`) this driver understands. */
export const ENDPOINT_OPTIONS: Record<string, string> = {
  [INGRESS_OPTION]: `ingress of this container on this network: ${INGRESS_MODES.join(', ')} (default: the network's)`,
  [INGRESS_FROM_OPTION]: 'comma-separated CIDRs: the only sources allowed in',
};

/**
 * The endpoint's policy from CreateEndpoint's Options and its network's default mode. dockerd puts
 * `--driver-opt` pairs at the top level of the endpoint's generic options (moby daemon/network.go,
 * EndpointOptionGeneric), beside its own `com.docker.*` keys; other keys are refused, naming the known ones.
 */
export function endpointPolicy(options: Record<string, unknown> | null | undefined, networkMode: IngressMode): EndpointPolicy | undefined {
  const opts = options ?? {};
  const unknown = Object.keys(opts).filter((k) => !k.startsWith('com.docker.') && !Object.hasOwn(ENDPOINT_OPTIONS, k));
  if (unknown.length > 0) {
    const supported = Object.entries(ENDPOINT_OPTIONS)
      .map(([k, v]) => `${k} (${v})`)
      .join(', ');
    throw new BadRequestError(`unknown endpoint driver option ${unknown.map((k) => `"${k}"`).join(', ')}; supported: ${supported}`);
  }
  const mode = opts[INGRESS_OPTION] === undefined ? networkMode : parseIngressMode(opts[INGRESS_OPTION], `driver option ${INGRESS_OPTION}`);
  const from = parseFrom(opts[INGRESS_FROM_OPTION]);
  if (mode === 'open' && from.length === 0) return undefined;
  return { mode, ports: exposedPorts(opts[EXPOSED_PORTS]), from };
}

function parseFrom(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value !== 'string') throw new BadRequestError(`driver option ${INGRESS_FROM_OPTION} must be a string of CIDRs`);
  const cidrs = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Canonical CIDRs only reach the ACL match: anything else is refused here, not by ovn-northd later.
  const canonical = (c: string) => {
    try {
      return parseSubnet(c.includes('/') ? c : c.includes(':') ? `${c}/128` : `${c}/32`).cidr;
    } catch (err) {
      throw new BadRequestError(`driver option ${INGRESS_FROM_OPTION}: "${c}" is not an address or CIDR (${(err as Error).message})`);
    }
  };
  return [...new Set(cidrs.map(canonical))].sort();
}

/** dockerd's [{Proto, Port}] list; entries it could not mean (port 0, unknown protocol) are skipped. */
export function exposedPorts(value: unknown): ExposedPort[] {
  if (!Array.isArray(value)) return [];
  const seen = new Map<string, ExposedPort>();
  for (const e of value as { Proto?: unknown; Port?: unknown }[]) {
    const proto = PROTOCOLS[Number(e?.Proto)];
    const port = Number(e?.Port);
    if (!proto || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    seen.set(`${proto}/${port}`, { proto, port });
  }
  return [...seen.values()].sort((a, b) => a.proto.localeCompare(b.proto) || a.port - b.port);
}

/** "80/tcp, 53/udp": how the policy's ports read in logs and the Database view. */
export function portsText(ports: ExposedPort[]): string {
  return ports.map((p) => `${p.port}/${p.proto}`).join(',');
}

/**
 * The match (ovn-sb(5) logical flow syntax) of the ACL letting new connections into the port `lsp`;
 * `undefined` when nothing new may come in. ICMP echo is let in with exposed ports so `ping` still
 * diagnoses the path; ICMP errors about allowed connections are "related" and pass on their own.
 */
export function allowMatch(lsp: string, policy: EndpointPolicy): string | undefined {
  if (policy.mode === 'closed') return undefined;
  const what =
    policy.mode === 'open'
      ? 'ip'
      : [
          ...(['tcp', 'udp', 'sctp'] as const)
            .map((proto) => [proto, policy.ports.filter((p) => p.proto === proto).map((p) => p.port)] as const)
            .filter(([, ports]) => ports.length > 0)
            .map(([proto, ports]) => `${proto}.dst == {${ports.join(', ')}}`),
          'icmp4.type == 8',
          'icmp6.type == 128',
        ].join(' || ');
  const v4 = policy.from.filter((c) => !c.includes(':'));
  const v6 = policy.from.filter((c) => c.includes(':'));
  const src = [v4.length ? `ip4.src == {${v4.join(', ')}}` : '', v6.length ? `ip6.src == {${v6.join(', ')}}` : '']
    .filter(Boolean)
    .join(' || ');
  return `outport == ${JSON.stringify(lsp)}${src ? ` && (${src})` : ''} && (${what})`;
}
