import * as net from 'node:net';

/**
 * An in-test TCP proxy to a unix socket. `mode`:
 * - `pass`: forwards as it arrives;
 * - `bytewise`: server→client bytes one at a time, yielding between them (exercises framing);
 * - `stall`: swallows everything in both directions (a dead link the kernel does not report);
 * - `trickle`: server→client bytes 512 at a time, 20 ms apart (a slow link: bytes keep coming, slowly).
 *
 * With `record` set, the bytes it forwards are kept in `toServer` / `toClient` (all connections, in
 * arrival order), so tests can check what actually went over the wire.
 */
export class TestProxy {
  mode: 'pass' | 'bytewise' | 'stall' | 'trickle' = 'pass';
  record = false;
  readonly toServer: Buffer[] = [];
  readonly toClient: Buffer[] = [];
  private readonly server = net.createServer((c) => this.onConnection(c));
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly upstreamPath: string) {}

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  get remote(): string {
    return `tcp:127.0.0.1:${this.port}`;
  }

  private onConnection(client: net.Socket): void {
    const upstream = net.createConnection({ path: this.upstreamPath });
    this.sockets.add(client).add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (d: Buffer) => {
      if (this.mode === 'stall') return;
      if (this.record) this.toServer.push(d);
      upstream.write(d);
    });
    let queue = Promise.resolve();
    upstream.on('data', (d: Buffer) => {
      if (this.mode === 'stall') return;
      if (this.record) this.toClient.push(d);
      if (this.mode === 'pass') {
        queue = queue.then(() => void client.write(d));
        return;
      }
      const [step, pause] = this.mode === 'trickle' ? [512, 20] : [1, 0];
      queue = queue.then(async () => {
        for (let i = 0; i < d.length && !client.destroyed; i += step) {
          client.write(d.subarray(i, i + step));
          await new Promise((r) => (pause ? setTimeout(r, pause) : setImmediate(r)));
        }
      });
    });
  }

  /** Drops every proxied connection. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((r) => this.server.close(r));
  }
}
