/**
 * What the CLI prints, computed from the driver's `/NetworkDriver.Database` answer alone (pure functions, so
 * the unit tests need no driver).
 */
import { installedHere, type DatabaseView, type Topology } from '../domain/topology';

export { topology, type DatabaseView, type Topology } from '../domain/topology';

export interface EndpointRow {
  network: string;
  endpoint: string;
  lsp: string;
  address: string;
  ovsPort: string;
  chassis: string;
  up: boolean;
  /** undefined: an endpoint of another host (its OVS is not read here). */
  installed?: boolean;
}

/** Plain text table: columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function networkRows(db: DatabaseView): string[][] {
  return db.Networks.map((n) => [
    n.NetworkID.slice(0, 12),
    n.Vrf ?? '',
    [n.Subnet, n.SubnetIPv6].filter(Boolean).join(','),
    n.Gateway ?? '',
    String(n.Mtu ?? ''),
    n.LogicalSwitch.Name,
    String(n.Endpoints.length),
  ]);
}

export const NETWORK_HEADER = ['NETWORK', 'VRF', 'SUBNET', 'GATEWAY', 'MTU', 'SWITCH', 'ENDPOINTS'];

/** Endpoint → logical switch port → OVS port → chassis; `ids` keeps only those endpoints (prefixes allowed). */
export function endpointRows(db: DatabaseView, ids?: string[]): EndpointRow[] {
  return db.Networks.flatMap((n) =>
    n.Endpoints.filter((e) => !ids || ids.some((id) => e.EndpointID.startsWith(id))).map((e) => ({
      network: n.NetworkID.slice(0, 12),
      endpoint: e.EndpointID.slice(0, 12),
      lsp: e.LogicalSwitchPort.Name,
      address: e.Address ?? e.AddressIPv6 ?? '',
      ovsPort: e.OvsInterface?.Name ?? '',
      chassis: e.Chassis ?? '',
      up: e.LogicalSwitchPort.Up,
      installed: installedHere(db, e),
    })),
  );
}

export const ENDPOINT_HEADER = ['NETWORK', 'ENDPOINT', 'LSP', 'ADDRESS', 'OVS PORT', 'CHASSIS', 'UP', 'INSTALLED'];

export function endpointCells(r: EndpointRow): string[] {
  return [
    r.network,
    r.endpoint,
    r.lsp,
    r.address,
    r.ovsPort,
    r.chassis,
    r.up ? 'yes' : 'no',
    r.installed === undefined ? '-' : r.installed ? 'yes' : 'no',
  ];
}

/** Graphviz and Mermaid ids: letters, digits and underscores only. */
const nodeId = (s: string) => 'n_' + s.replace(/[^A-Za-z0-9_]/g, '_');

export function toDot(t: Topology): string {
  const lines = ['graph topology {', '  node [shape=box];'];
  for (const r of t.routers) lines.push(`  ${nodeId(r.id)} [label="router ${r.id}\\nvrf ${r.vrf}", shape=ellipse];`);
  for (const s of t.switches) {
    lines.push(`  ${nodeId(s.id)} [label="switch ${s.id}\\n${s.subnet}"];`);
    if (s.router) lines.push(`  ${nodeId(s.router)} -- ${nodeId(s.id)};`);
  }
  const chassis = [...new Set(t.endpoints.map((e) => e.chassis))];
  for (const c of chassis) {
    lines.push(`  subgraph cluster_${nodeId(c)} {`, `    label="chassis ${c}";`);
    for (const e of t.endpoints.filter((x) => x.chassis === c))
      lines.push(`    ${nodeId(e.id)} [label="${e.container ?? e.id}\\n${e.address}\\n${state(e)}", shape=note];`);
    lines.push('  }');
  }
  for (const e of t.endpoints) lines.push(`  ${nodeId(e.switch)} -- ${nodeId(e.id)};`);
  lines.push('}');
  return lines.join('\n');
}

export function toMermaid(t: Topology): string {
  const lines = ['graph LR'];
  for (const r of t.routers) lines.push(`  ${nodeId(r.id)}(["router ${r.id} vrf ${r.vrf}"])`);
  for (const s of t.switches) {
    lines.push(`  ${nodeId(s.id)}["switch ${s.id} ${s.subnet}"]`);
    if (s.router) lines.push(`  ${nodeId(s.router)} --- ${nodeId(s.id)}`);
  }
  for (const c of [...new Set(t.endpoints.map((e) => e.chassis))]) {
    lines.push(`  subgraph ${nodeId('chassis_' + c)}["chassis ${c}"]`);
    for (const e of t.endpoints.filter((x) => x.chassis === c))
      lines.push(`    ${nodeId(e.id)}["${e.container ?? e.id} ${e.address} ${state(e)}"]`);
    lines.push('  end');
  }
  for (const e of t.endpoints) lines.push(`  ${nodeId(e.switch)} --- ${nodeId(e.id)}`);
  return lines.join('\n');
}

function state(e: { up: boolean; installed?: boolean }): string {
  return `${e.up ? 'up' : 'down'}${e.installed === undefined ? '' : `/${e.installed ? 'installed' : 'not installed'}`}`;
}
