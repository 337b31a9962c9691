import { request } from 'node:http';

/** Where the driver answers: its HTTP listener (a URL) or a unix socket serving the same routes. */
export interface Target {
  url: string;
  socket?: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

/** The driver could not be reached at all (exit code 2, unlike a failed check). */
export class UnreachableError extends Error {}

/** GET `path` from the driver and parse the JSON body (text stays text: /metrics). */
export function get(target: Target, path: string, timeoutMs = 10_000): Promise<Reply> {
  const base = new URL(target.url);
  return new Promise((resolve, reject) => {
    const req = request(
      target.socket
        ? { socketPath: target.socket, path, method: 'GET', timeout: timeoutMs }
        : { host: base.hostname, port: base.port || 80, path, method: 'GET', timeout: timeoutMs },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        // Cut short after the headers (the driver stopping): 'close' without 'end'; no-op once resolved.
        const cut = () => reject(new UnreachableError(`driver at ${target.socket ?? target.url}${path} closed the connection mid-answer`));
        res.on('error', cut);
        res.on('close', () => {
          if (!res.complete) cut();
        });
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => {
          let body: unknown = raw;
          try {
            body = JSON.parse(raw);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new UnreachableError(`driver not reachable at ${target.socket ?? target.url}${path}: ${err.message}`)));
    req.end();
  });
}
