import type { Topology } from '../../domain/topology';

/**
 * Draws the topology as SVG markup: vrf routers in the first column, their switches in the second, and each
 * chassis as a box holding its endpoints in the third, an endpoint coloured by its state (logical port up,
 * interface ovn-installed). Self-contained on purpose: the `/topology` page ships this very function to the
 * browser as its source text (Function.prototype.toString), so it must not reference anything outside itself.
 */
export function renderTopologySvg(t: Topology): string {
  const W = 260;
  const H = 56;
  const GAP = 16;
  const COL = [20, 330, 640];
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const text = (x: number, y: number, lines: string[], cls: string) =>
    `<text x="${x}" y="${y}" class="${cls}">${lines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 14}">${esc(l)}</tspan>`).join('')}</text>`;
  const box = (kind: string, attrs: string, x: number, y: number, lines: string[], fill: string, rx: number) =>
    `<g class="${kind}" ${attrs}><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="${rx}" fill="${fill}" stroke="#445"/>${text(x + 10, y + 18, lines, 'label')}</g>`;
  const mid = new Map<string, { left: number; right: number; y: number }>();
  const parts: string[] = [];
  const edges: string[] = [];

  let y = 40;
  for (const r of t.routers) {
    parts.push(
      box('router', `data-router="${esc(r.id)}" data-vrf="${esc(r.vrf)}"`, COL[0]!, y, [`router ${r.id}`, `vrf ${r.vrf}`], '#dde8ff', 22),
    );
    mid.set(r.id, { left: COL[0]!, right: COL[0]! + W, y: y + H / 2 });
    y += H + GAP;
  }
  let bottom = y;
  y = 40;
  for (const s of t.switches) {
    parts.push(
      box(
        'switch',
        `data-switch="${esc(s.id)}" data-network="${esc(s.network)}" data-name="${esc(s.name ?? '')}"`,
        COL[1]!,
        y,
        [s.name ? `network ${s.name}` : `network ${s.network}`, `switch ${s.id}`, s.name ? `${s.subnet} · ${s.network}` : s.subnet],
        '#eef0f4',
        4,
      ),
    );
    mid.set(s.id, { left: COL[1]!, right: COL[1]! + W, y: y + H / 2 });
    const r = s.router ? mid.get(s.router) : undefined;
    if (r) edges.push(`<line x1="${r.right}" y1="${r.y}" x2="${COL[1]}" y2="${y + H / 2}" class="edge"/>`);
    y += H + GAP;
  }
  bottom = Math.max(bottom, y);
  y = 40;
  const chassis = [...new Set(t.endpoints.map((e) => e.chassis))].sort();
  for (const c of chassis) {
    const eps = t.endpoints.filter((e) => e.chassis === c);
    const height = 30 + eps.length * (H + GAP);
    parts.push(
      `<g class="chassis" data-chassis="${esc(c)}"><rect x="${COL[2]! - 10}" y="${y}" width="${W + 20}" height="${height}" rx="8" fill="none" stroke="#99a" stroke-dasharray="5 3"/>${text(COL[2]!, y + 18, [`chassis ${c || '(none)'}`], 'title')}</g>`,
    );
    let ey = y + 30;
    for (const e of eps) {
      // Another host's endpoint: its OVS is not read here, so `up` (bound by its ovn-controller) alone tells.
      const installed = e.installed ?? e.up;
      const fill = e.up && installed ? '#d6f5d6' : e.up || installed ? '#fcefc7' : '#f8d0d0';
      const state = `${e.up ? 'up' : 'down'} · ${e.installed === undefined ? 'another host' : e.installed ? 'ovn-installed' : 'not installed'}`;
      parts.push(
        box(
          'endpoint',
          `data-endpoint="${esc(e.endpoint)}" data-container="${esc(e.container ?? '')}" data-up="${e.up}" data-installed="${e.installed ?? ''}"`,
          COL[2]!,
          ey,
          [e.container ? `container ${e.container}` : `endpoint ${e.endpoint}`, `${e.address} · ep ${e.endpoint}`, state],
          fill,
          4,
        ),
      );
      const s = mid.get(e.switch);
      if (s) edges.push(`<line x1="${s.right}" y1="${s.y}" x2="${COL[2]}" y2="${ey + H / 2}" class="edge"/>`);
      ey += H + GAP;
    }
    y += height + GAP;
  }
  bottom = Math.max(bottom, y);
  const width = COL[2]! + W + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bottom}" viewBox="0 0 ${width} ${bottom}">${['routers', 'switches', 'endpoints'].map((h, i) => text(COL[i]!, 20, [h], 'title')).join('')}${edges.join('')}${parts.join('')}</svg>`;
}
