/**
 * B4's start-to-ready: a process spawned and polled every few milliseconds until its socket answers, and
 * (for the driver) until its OVSDB sessions are synced. The baseline is a bare Node HTTP server on a unix
 * socket: what any Node plugin pays before its first line of code.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NODE_FLAGS } from '../src/config/node-flags';
import { postUnix } from '../test/harness/driver-process';
import { repoRoot } from '../test/harness/stack';
import type { Stack } from '../test/harness/stack';
import { experimentEnv, now, rssMB } from './lib';

export interface Started {
  child: ChildProcess;
  pid: number;
  /** ms from spawn until the socket answered an HTTP request */
  socketMs: number;
  /** ms from spawn until the driver's NB and OVS sessions were synced (= socketMs for the bare server) */
  readyMs: number;
  stop(): Promise<void>;
}

const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(process.argv[1]);`;

/** The driver's environment as the harness's DriverProcess sets it. */
export function driverEnv(stack: Stack, socket: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    OVN_DRIVER_SOCKET: socket,
    OVN_DRIVER_PORT: '0',
    OVN_DRIVER_NB: stack.nbRemote,
    OVN_DRIVER_OVS_DB: stack.ovsRemote,
    OVN_DRIVER_BRIDGE: stack.bridge,
    OVN_DRIVER_RECONCILE_INTERVAL_S: '0',
    ...extra,
    ...experimentEnv(),
  };
}

async function startAndPoll(
  args: string[],
  env: NodeJS.ProcessEnv,
  socket: string,
  isDriver: boolean,
  timeoutMs = 30_000,
): Promise<Started> {
  await unlink(socket).catch(() => undefined);
  const t0 = now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let socketMs: number | undefined;
  let readyMs: number | undefined;
  try {
    while (readyMs === undefined) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
      if (now() - t0 > timeoutMs) throw new Error(`${args.join(' ')} not ready after ${timeoutMs} ms: ${stderr}`);
      if (existsSync(socket)) {
        if (socketMs === undefined) {
          const r = await postUnix(socket, '/Plugin.Activate', undefined, 2000).catch(() => undefined);
          if (r?.status === 200) socketMs = now() - t0;
        }
        if (socketMs !== undefined) {
          if (!isDriver) readyMs = socketMs;
          else {
            // As the harness decides "ready": an unknown endpoint answers "not known" (not 503) once NB is synced.
            const r = await postUnix(
              socket,
              '/NetworkDriver.EndpointOperInfo',
              { NetworkID: 'f'.repeat(64), EndpointID: 'f'.repeat(64) },
              2000,
            ).catch(() => undefined);
            if (r && r.status !== 503) readyMs = now() - t0;
          }
        }
      }
      if (readyMs === undefined) await sleep(2);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, pid: child.pid!, socketMs: socketMs!, readyMs, stop };
}

export function startDriver(stack: Stack, socket: string, extra: Record<string, string> = {}): Promise<Started> {
  return startAndPoll([...NODE_FLAGS, path.join(repoRoot(), 'dist', 'src', 'main.js')], driverEnv(stack, socket, extra), socket, true);
}

export function startBareServer(socket: string): Promise<Started> {
  return startAndPoll(['-e', BARE_SERVER, socket], { PATH: process.env.PATH }, socket, false);
}

/** RSS after the process has had `settleMs` to finish what it was doing. */
export async function settledRss(pid: number, settleMs: number): Promise<{ rss: number; hwm: number }> {
  await sleep(settleMs);
  return rssMB(pid);
}
