import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DriverConfig } from '../../config/driver-config';
import { DockerEndpoints } from './docker-endpoints';

const dir = mkdtempSync(path.join(tmpdir(), 'docker-endpoints-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A Docker API stand-in on a unix socket, answering every request with `answer`. */
async function fakeDockerd(
  name: string,
  answer: (res: import('node:http').ServerResponse) => void,
): Promise<{ socket: string; server: Server }> {
  const socket = path.join(dir, `${name}.sock`);
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, server };
}

const endpoints = (socket: string) => new DockerEndpoints({ OVN_DRIVER_DOCKER_SOCKET: socket } as DriverConfig);

describe(DockerEndpoints.name, () => {
  it("reads a network's endpoints and names", async () => {
    const { socket, server } = await fakeDockerd('ok', (res) =>
      res.end(JSON.stringify({ Name: 'front', Containers: { c1: { EndpointID: 'e1', Name: 'web' } } })),
    );
    try {
      const view = await endpoints(socket).network('n1');
      assert.equal(view.kind, 'endpoints');
      assert.deepEqual(view.kind === 'endpoints' && [[...view.ids], view.names.network, [...view.names.containers]], [
        ['e1'],
        'front',
        [['e1', 'web']],
      ]);
    } finally {
      server.close();
    }
  });

  it('says no-network on 404 and unreachable without a dockerd', async () => {
    const { socket, server } = await fakeDockerd('gone', (res) => {
      res.statusCode = 404;
      res.end('{"message":"network n1 not found"}');
    });
    try {
      assert.deepEqual(await endpoints(socket).network('n1'), { kind: 'no-network' });
    } finally {
      server.close();
    }
    const none = await endpoints(path.join(dir, 'none.sock')).network('n1');
    assert.equal(none.kind, 'unreachable');
    assert.match(none.kind === 'unreachable' ? none.why : '', /ENOENT/, 'the reason names the socket error');
  });

  it('settles as unreachable when dockerd closes the connection after the headers (a restart mid-answer)', async () => {
    const { socket, server } = await fakeDockerd('cut', (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"Name":"fro');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      const cut = await endpoints(socket).network('n1');
      assert.equal(cut.kind, 'unreachable');
      assert.ok(cut.kind === 'unreachable' && cut.why.length > 0, 'with a reason');
    } finally {
      server.close();
    }
  });
});
