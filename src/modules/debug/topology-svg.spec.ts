import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topologyPage } from './topology-page';
import { renderTopologySvg } from './topology-svg';

const t = {
  routers: [{ id: 'docker-vrf-blue', vrf: 'blue' }],
  switches: [{ id: 'docker-net-a', network: 'aaaaaaaaaaaa', subnet: '10.0.0.0/24', router: 'docker-vrf-blue' }],
  endpoints: [
    {
      id: 'lsp-1',
      endpoint: 'e1e1e1e1e1e1',
      switch: 'docker-net-a',
      address: '10.0.0.2/24',
      chassis: 'host-1',
      up: true,
      installed: true,
      container: 'web',
    },
    {
      id: 'lsp-2',
      endpoint: 'e2e2e2e2e2e2',
      switch: 'docker-net-a',
      address: '10.0.0.3/24',
      chassis: 'host-<2>',
      up: false,
      installed: false,
    },
  ],
};

describe('topology drawing', () => {
  it('draws routers, switches and endpoints grouped by chassis, with an edge for each link and names escaped', () => {
    const svg = renderTopologySvg(t);
    assert.match(svg, /^<svg /);
    assert.equal(svg.match(/<line /g)?.length, 3);
    assert.match(svg, /data-chassis="host-1".*data-endpoint="e1e1e1e1e1e1" data-container="web" data-up="true" data-installed="true"/);
    assert.ok(svg.includes('container web'), 'a container named by dockerd is drawn by its name');
    assert.ok(svg.includes('endpoint e2e2e2e2e2e2'), 'one without a name by its endpoint');
    assert.ok(svg.includes('chassis host-&#60;2&#62;'));
    assert.ok(!svg.includes('host-<2>'));
    assert.ok(svg.includes('down · not installed'));
  });

  it('ships the renderer in the page itself: no external script or stylesheet', () => {
    const page = topologyPage();
    assert.ok(page.includes('function renderTopologySvg('));
    assert.ok(page.includes("fetch('/debug/topology'"));
    assert.doesNotMatch(page, /<script src|<link |https?:\/\/(?!www\.w3\.org)/);
  });
});
