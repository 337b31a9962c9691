import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { main } from './main';

/** A listener answering each path with the status and body given. */
async function serve(routes: Record<string, [number, unknown]>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const [status, body] = routes[req.url ?? ''] ?? [404, { Err: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the CLI exit codes', () => {
  let notDriver: { server: Server; url: string };
  let notReady: { server: Server; url: string };
  const quiet = () => {
    const write = process.stderr.write.bind(process.stderr);
    const out = process.stdout.write.bind(process.stdout);
    process.stderr.write = () => true;
    process.stdout.write = () => true;
    return () => {
      process.stderr.write = write;
      process.stdout.write = out;
    };
  };
  const run = async (...args: string[]) => {
    const restore = quiet();
    try {
      process.exitCode = undefined;
      return await main(['node', 'docker-ovn-driver', ...args]);
    } finally {
      process.exitCode = undefined;
      restore();
    }
  };

  before(async () => {
    notDriver = await serve({});
    notReady = await serve({
      '/readyz': [503, { status: 'unavailable', nb: 'connecting', ovs: 'ready' }],
      '/NetworkDriver.Database': [503, { Err: 'OVN Northbound DB is not connected' }],
    });
  });
  after(() => {
    notDriver.server.close();
    notReady.server.close();
  });

  it('2 when what answers is no driver (the plugin socket, another program)', async () => {
    assert.equal(await run('--url', notDriver.url, 'status'), 2);
    assert.equal(await run('--url', notDriver.url, 'doctor'), 2);
  });

  it('1 when the driver answers but is not ready, for every command', async () => {
    assert.equal(await run('--url', notReady.url, 'status'), 1);
    assert.equal(await run('--url', notReady.url, 'networks'), 1);
    assert.equal(await run('--url', notReady.url, 'endpoints'), 1);
  });
});
