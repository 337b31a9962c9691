import { once } from 'node:events';
import { mkdir, unlink } from 'node:fs/promises';
import { Server, createServer, IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Operator endpoints: probes, metrics, the runtime log level (changeable by whoever reaches the HTTP listener), the topology page. */
const OPERATOR_PATHS = new Set(['/metrics', '/healthz', '/readyz', '/log-level', '/NetworkDriver.Database', '/topology']);

/**
 * Paths served on the HTTP listener only: dockerd has no use for the swagger UI or the operator
 * endpoints, and the plugin socket stays the plugin protocol and nothing else.
 */
export function isHttpOnlyPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0];
  return (
    path === '/docs' ||
    path.startsWith('/docs/') ||
    path === '/openapi.json' ||
    path.startsWith('/docs-json') ||
    path.startsWith('/debug/') ||
    OPERATOR_PATHS.has(path)
  );
}

/** Plugin verbs that change nothing: served on the HTTP listener whatever OVN_DRIVER_HTTP_VERBS says. */
const READ_ONLY_VERBS = new Set([
  '/Plugin.Activate',
  '/NetworkDriver.GetCapabilities',
  '/NetworkDriver.EndpointOperInfo',
  '/IpamDriver.GetCapabilities',
  '/IpamDriver.GetDefaultAddressSpaces',
]);

/** A plugin verb that changes networks, endpoints or addresses (any verb not known to change nothing). */
export function isChangingVerb(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0]!;
  return /^\/(NetworkDriver|IpamDriver|Plugin)\./.test(path) && !READ_ONLY_VERBS.has(path) && !OPERATOR_PATHS.has(path);
}

/**
 * Holds the request handler Fastify builds (through its `serverFactory` option) so the same routes can be
 * served on two listeners: the plugin unix socket and the optional HTTP address.
 */
export class Listeners {
  private handler?: RequestHandler;
  private readonly servers: Server[] = [];
  private socketPath?: string;
  /** The listener each request came in on, for the gate. */
  private readonly origins = new WeakMap<IncomingMessage, 'socket' | 'http'>();
  private httpVerbs = false;
  private gated = false;

  /** For FastifyAdapter's `serverFactory`: the server returned here becomes the plugin socket's server. */
  readonly serverFactory = (handler: RequestHandler): Server => {
    this.handler = handler;
    const server = createServer((req, res) => {
      this.origins.set(req, 'socket');
      handler(req, res);
    });
    // dockerd's plugin client keeps connections open for good and, when a request on a connection the
    // server has just closed for idleness fails, retries it with the body already consumed: an empty
    // RequestAddress or Join. Node's 5 s idle timeout made that race real under load; dockerd closes idle
    // connections itself (close() below closes them on shutdown).
    server.keepAliveTimeout = 0;
    this.servers.push(server);
    return server;
  };

  /**
   * Refuses, on the listener a request came in on, what that listener does not serve: the HTTP-only paths on
   * the plugin socket (404), and on the HTTP listener the verbs that change something unless told to (403).
   * An onRequest hook, so it judges the route Fastify's router matched, not the raw URL: the router decodes
   * percent-escapes (`/%4EetworkDriver.CreateNetwork` is CreateNetwork), which a look at the URL would miss.
   */
  installGate(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url;
      if (route === undefined) return;
      const origin = this.origins.get(request.raw);
      if (origin === 'socket' && isHttpOnlyPath(route)) {
        return reply
          .code(404)
          .type('application/json')
          .send({ Err: `${request.url}: not found` });
      }
      if (origin === 'http' && !this.httpVerbs && isChangingVerb(route)) {
        return reply
          .code(403)
          .type('application/json')
          .send({
            Err: `${route}: changes networks, endpoints or addresses: taken on the plugin socket only (OVN_DRIVER_HTTP_VERBS=1 takes it here too)`,
          });
      }
    });
    this.gated = true;
  }

  /** Listens on the plugin socket, replacing a stale socket file but never a live driver's. */
  async listenSocket(path: string): Promise<void> {
    const [server] = this.servers;
    if (!server) throw new Error('serverFactory was not used');
    if (!this.gated) throw new Error('installGate was not used');
    await mkdir(dirname(path), { recursive: true });
    if (await socketAnswers(path)) throw new Error(`another process already serves ${path}`);
    await unlink(path).catch(() => undefined);
    server.listen(path);
    await once(server, 'listening');
    this.socketPath = path;
  }

  /**
   * Listens on host:port with the same routes (plus the HTTP-only ones), the verbs that change something
   * only with `verbs`: whoever reaches the address may call it, unlike the plugin socket (root's).
   */
  async listenHttp(host: string, port: number, opts: { verbs?: boolean } = {}): Promise<number> {
    const handler = this.handler;
    if (!handler) throw new Error('serverFactory was not used');
    if (!this.gated) throw new Error('installGate was not used');
    this.httpVerbs = opts.verbs === true;
    const server = createServer((req, res) => {
      this.origins.set(req, 'http');
      handler(req, res);
    });
    this.servers.push(server);
    server.listen(port, host);
    await once(server, 'listening');
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /**
   * Stops accepting, lets in-flight requests finish (up to `graceMs`), removes the socket file.
   * dockerd keeps connections alive: idle ones are closed as soon as their request is answered.
   */
  async close(graceMs = 25_000): Promise<void> {
    if (this.socketPath) await unlink(this.socketPath).catch(() => undefined);
    const open = this.servers.filter((s) => s.listening);
    const closed = Promise.all(open.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    const sweep = setInterval(() => open.forEach((s) => s.closeIdleConnections()), 50);
    open.forEach((s) => s.closeIdleConnections());
    const deadline = setTimeout(() => open.forEach((s) => s.closeAllConnections()), graceMs);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(deadline);
    }
  }
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
