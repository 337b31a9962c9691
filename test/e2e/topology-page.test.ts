/**
 * The `/topology` page and the swagger UI at `/docs` in a real browser (Debian's headless chromium) against a
 * real driver, dockerd and OVN: the page draws the networks and containers made here with their live state,
 * loads nothing from anywhere but the driver, and /docs links to it. The screenshot lands in
 * test-artifacts/topology.png.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { launchChromium } from '../harness/chromium';
import { docker } from '../harness/docker';
import { repoRoot } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDockerWithHttp } from './ovn-docker';

describe('topology page in chromium (e2e)', () => {
  const { t, http } = useOvnDockerWithHttp();

  it('draws the networks and containers with their state, links from /docs, and leaves nothing behind', async () => {
    await t.netCreate('topo-web', '--subnet', '10.61.1.0/24', '-o', 'vrf=shop');
    await t.netCreate('topo-db', '--subnet', '10.61.2.0/24', '-o', 'vrf=shop');
    const nets = await Promise.all(
      ['topo-web', 'topo-db'].map(async (n) => (await docker('network', 'inspect', '-f', '{{.Id}}', n)).trim().slice(0, 12)),
    );
    const web = await t.run('topo-web', ['--name', 'topo-web-1']);
    const db = await t.run('topo-db', ['--name', 'topo-db-1']);
    const endpoints = await Promise.all(
      [
        [web, 'topo-web'],
        [db, 'topo-db'],
      ].map(async ([c, n]) => ({
        name: (await docker('inspect', '-f', '{{.Name}}', c!)).trim().replace(/^\//, ''),
        id: (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${n}").EndpointID}}`, c!)).trim().slice(0, 12),
        ip: await t.ipOf(c!, n!),
      })),
    );

    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));

      await page.goto(`${http.url}/topology`);
      // Both endpoints drawn up and ovn-installed: the page redraws until ovn-controller has caught up.
      for (const e of endpoints)
        await page.waitForSelector(`g.endpoint[data-endpoint="${e.id}"][data-up="true"][data-installed="true"]`, { timeout: 30_000 });
      const svg = await page.locator('#graph svg').textContent();
      assert.ok(svg, 'no svg drawn');
      // Named as dockerd names them, with their IDs and addresses.
      for (const [i, name] of ['topo-web', 'topo-db'].entries()) {
        assert.equal(await page.locator(`g.switch[data-network="${nets[i]}"][data-name="${name}"]`).count(), 1, `network ${name}`);
        assert.ok(svg.includes(`network ${name}`) && svg.includes(nets[i]!), `network ${name} (${nets[i]}) not drawn`);
      }
      for (const e of endpoints)
        assert.ok(svg.includes(`container ${e.name}`) && svg.includes(`${e.ip}/24 · ep ${e.id}`), `${e.name} (${e.ip}) not drawn`);
      assert.equal(await page.locator('g.router[data-vrf="shop"]').count(), 1);
      assert.equal(await page.locator(`g.chassis[data-chassis="${t.stack.chassis}"] rect`).count(), 1);
      assert.match((await page.locator('#status').textContent()) ?? '', /1 routers, 2 switches, 2 endpoints/);
      const artifacts = path.join(repoRoot(), 'test-artifacts');
      await mkdir(artifacts, { recursive: true });
      // As wide as the drawing; fullPage takes the height the page needs.
      await page.setViewportSize({ width: 960, height: 200 });
      await page.screenshot({ path: path.join(artifacts, 'topology.png'), fullPage: true });

      await page.goto(`${http.url}/docs`);
      const link = page.locator('.swagger-ui .info a[href="/topology"]');
      await link.waitFor({ timeout: 30_000 });
      assert.equal(await page.title(), 'docker-ovn-driver API');
      // swagger-ui opens description links in a new tab: follow it here
      await page.goto(new URL((await link.getAttribute('href'))!, page.url()).href);
      await page.waitForSelector(`g.endpoint[data-endpoint="${endpoints[0]!.id}"]`);

      // Self-contained: the swagger UI's assets and the page come from the driver, nothing from elsewhere.
      assert.deepEqual(
        requested.filter((u) => !u.startsWith(`${http.url}/`) && !u.startsWith('data:')),
        [],
      );
    } finally {
      await browser.close();
    }

    await docker('rm', '-f', web, db);
    await docker('network', 'rm', 'topo-web', 'topo-db');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
