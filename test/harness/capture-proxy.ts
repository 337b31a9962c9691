/**
 * A recording proxy between dockerd and the driver: dockerd finds it as a legacy plugin socket, every
 * request is written down as test/fixtures/*.jsonl holds them (path, headers as they arrived, the JSON body
 * or null for an empty one) and passed on unchanged to the driver's socket, whose reply goes back as is.
 *
 *   const proxy = await CaptureProxy.start('/run/docker/plugins/cap.sock', driverSocket);
 *   ...docker network create -d cap ...
 *   await proxy.close();  writeFileSync(out, proxy.jsonl());
 */
import { createServer, IncomingMessage, request, Server } from 'node:http';
import { rm } from 'node:fs/promises';

export interface CapturedRequest {
  path: string;
  request_headers: Record<string, string>;
  request: unknown;
}

export class CaptureProxy {
  private constructor(
    private readonly server: Server,
    readonly requests: CapturedRequest[],
  ) {}

  static async start(listenPath: string, targetPath: string): Promise<CaptureProxy> {
    await rm(listenPath, { force: true });
    const requests: CapturedRequest[] = [];
    const server = createServer((req, res) => {
      void readAll(req).then((body) => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        requests.push({
          path: req.url ?? '',
          request_headers: headers,
          request: body.length ? (JSON.parse(body.toString()) as unknown) : null,
        });
        const forward = request({ socketPath: targetPath, path: req.url, method: req.method, headers: req.headers }, (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        });
        forward.on('error', (e) => res.writeHead(502).end(JSON.stringify({ Err: `capture proxy: ${e.message}` })));
        forward.end(body);
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(listenPath, resolve));
    return new CaptureProxy(server, requests);
  }

  /** One JSON object per line, in the order dockerd sent them. */
  jsonl(): string {
    return this.requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
