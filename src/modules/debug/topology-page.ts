import { renderTopologySvg } from './topology-svg';

/** How often the page asks `/debug/topology` again. */
export const TOPOLOGY_REFRESH_MS = 2000;

/**
 * The `/topology` page: one self-contained HTML document (no CDN, no other asset) whose script polls
 * `/debug/topology`, the model the driver computes from its NB and OVS replicas, and redraws it with
 * renderTopologySvg, shipped as its source text.
 */
export function topologyPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>docker-ovn-driver topology</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 16px; color: #223; }
  header { display: flex; gap: 16px; align-items: baseline; }
  h1 { font-size: 20px; margin: 0; }
  #status { color: #667; }
  #status.error { color: #b00; }
  .legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border: 1px solid #445; border-radius: 4px; }
  svg .label { font: 12px ui-monospace, monospace; }
  svg .title { font: bold 13px system-ui, sans-serif; fill: #556; }
  svg .edge { stroke: #889; stroke-width: 1.5; }
</style>
</head>
<body>
<header>
  <h1>docker-ovn-driver topology</h1>
  <span id="status">loading…</span>
  <a href="/docs">API (/docs)</a>
</header>
<p class="legend">
  <span style="background:#d6f5d6">up · ovn-installed</span>
  <span style="background:#fcefc7">half way</span>
  <span style="background:#f8d0d0">down · not installed</span>
</p>
<div id="graph"></div>
<script>
${renderTopologySvg.toString()}
async function refresh() {
  const status = document.getElementById('status');
  try {
    const res = await fetch('/debug/topology', { cache: 'no-store' });
    if (!res.ok) throw new Error('/debug/topology answered ' + res.status);
    const t = await res.json();
    document.getElementById('graph').innerHTML = renderTopologySvg(t);
    status.className = '';
    status.textContent = t.routers.length + ' routers, ' + t.switches.length + ' switches, ' + t.endpoints.length + ' endpoints; updated ' + new Date().toLocaleTimeString();
    document.body.dataset.loaded = String(Date.now());
  } catch (e) {
    status.className = 'error';
    status.textContent = 'driver not answering: ' + e.message;
  }
}
refresh();
setInterval(refresh, ${TOPOLOGY_REFRESH_MS});
</script>
</body>
</html>
`;
}
