/**
 * The whole app (createDriverApp, as production builds it) against a private real OVN + OVS stack
 * (test/harness/stack.ts), spoken to with app.inject the way dockerd speaks: POST, no Content-Type,
 * an empty body when there is no request. Callers hold /run/lock/docker-ovn-driver-stack.lock.
 */
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDriverApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import type { Listeners } from '../../src/core/listeners';
import { run, Stack, waitFor } from '../harness/stack';

/** dockerd's request headers (moby pkg/plugins/client.go): an Accept, no Content-Type. */
export const DOCKERD_HEADERS = { accept: 'application/vnd.docker.plugins.v1.2+json', 'user-agent': 'Go-http-client/1.1' };

export interface Reply {
  status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
  raw: string;
  contentType: string | undefined;
}

export type Post = (
  urlPath: string,
  payload?: string | Buffer,
  opts?: { method?: string; headers?: Record<string, string> },
) => Promise<Reply>;

export function poster(app: NestFastifyApplication): Post {
  return async (urlPath, payload = '', opts = {}) => {
    const r = await app.inject({
      method: (opts.method ?? 'POST') as 'POST',
      url: urlPath,
      payload,
      headers: { ...DOCKERD_HEADERS, ...opts.headers },
    });
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = undefined;
    }
    const contentType = r.headers['content-type'];
    return { status: r.statusCode, body, raw: r.body, contentType: typeof contentType === 'string' ? contentType : undefined };
  };
}

export const randomId = (): string => randomBytes(32).toString('hex');

export interface StackApp {
  stack: Stack;
  app: NestFastifyApplication;
  /** Not listening yet: call listenSocket/listenHttp to reach the app through real sockets. */
  listeners: Listeners;
  post: Post;
  close(): Promise<void>;
}

/** Brings up a stack and the app on it, and waits until both OVSDB sessions answer (no more 503). */
export async function startStackApp(env: Record<string, string> = {}): Promise<StackApp> {
  const stack = await Stack.up();
  let app: NestFastifyApplication | undefined;
  let listeners: Listeners | undefined;
  try {
    const config = loadConfig({
      OVN_DRIVER_NB: stack.nbRemote,
      OVN_DRIVER_OVS_DB: stack.ovsRemote,
      OVN_DRIVER_BRIDGE: stack.bridge,
      OVN_DRIVER_PORT: '0',
      OVN_DRIVER_JOIN_TIMEOUT_MS: '0',
      OVN_DRIVER_LOG_FILE: '',
      ...env,
    });
    ({ app, listeners } = await createDriverApp(config));
    const post = poster(app);
    // Leave reads NB and writes the local OVS DB: once it stops answering 503, both sessions are ready.
    const probe = JSON.stringify({ NetworkID: randomId(), EndpointID: randomId() });
    await waitFor(async () => (await post('/NetworkDriver.Leave', probe)).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'NB and OVS sessions',
    });
    const [started, listening] = [app, listeners];
    return {
      stack,
      app: started,
      listeners: listening,
      post,
      close: async () => {
        await listening.close();
        await started.close();
        await stack.down();
      },
    };
  } catch (e) {
    await listeners?.close();
    await app?.close();
    await stack.down();
    throw e;
  }
}

type Row = Record<string, unknown>;

/** Columns written by ovn-northd or ovn-controller on their own schedule, not by the driver. */
const VOLATILE_COLUMNS = new Set(['up', 'dynamic_addresses', 'status', 'hosting_chassis']);
const VOLATILE_EXTERNAL_IDS = /^(ovn-installed|ovn-installed-ts|ct-zone-)/;

async function dumpDb(
  remote: string,
  database: string,
  tables: Record<string, string[]> | 'all',
  skip: string[] = [],
): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  const requests = tables === 'all' ? [[] as string[]] : Object.entries(tables).map(([t, cols]) => [t, ...cols]);
  for (const args of requests) {
    const text = await run('ovsdb-client', ['-f', 'json', '--timeout=20', 'dump', remote, database, ...args]);
    for (const line of text.split('\n').filter(Boolean)) {
      const table = JSON.parse(line) as { caption: string; headings: string[]; data: unknown[][] };
      const name = table.caption.replace(/ table$/, '');
      if (skip.includes(name)) continue;
      out[name] = table.data
        .map((values) => {
          const row: Row = {};
          table.headings.forEach((h, i) => {
            if (VOLATILE_COLUMNS.has(h)) return;
            row[h] = h === 'external_ids' ? stableMap(values[i]) : values[i];
          });
          return row;
        })
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
  }
  return out;
}

function stableMap(value: unknown): unknown {
  if (!Array.isArray(value) || value[0] !== 'map') return value;
  return ['map', (value[1] as [string, string][]).filter(([k]) => !VOLATILE_EXTERNAL_IDS.test(k))];
}

/** The driver's veth ends (src/modules/endpoint/interface-names.ts); other links belong to other tenants of the host. */
const DRIVER_LINK = /^ov[nc][0-9a-f]{12}$/;

export interface State {
  nb: Record<string, Row[]>;
  ovs: Record<string, Row[]>;
  links: string[];
}

/**
 * What the driver can change: every NB table (but NB_Global's counters), br-int's ports and interfaces in
 * the local OVS DB, and its veths on the host. Values ovn-northd/ovn-controller write later are left out.
 */
export async function stateOf(stack: Stack): Promise<State> {
  const nb = await dumpDb(stack.nbRemote, 'OVN_Northbound', 'all', ['NB_Global']);
  const ovs = await dumpDb(stack.ovsRemote, 'Open_vSwitch', {
    Bridge: ['name', 'ports'],
    Port: ['name', 'interfaces', 'external_ids'],
    Interface: ['name', 'type', 'external_ids', 'options'],
  });
  const links = (await stack.links())
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((name) => DRIVER_LINK.test(name))
    .sort();
  return { nb, ovs, links };
}
