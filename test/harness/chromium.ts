/**
 * Debian's chromium (apt package `chromium`), headless, driven by playwright-core: never a browser that
 * Playwright downloads. Each launch gets a fresh profile directory, removed again by close(), which also
 * checks that no chromium process of that profile survived.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { waitFor } from './stack';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless without a GPU, sandbox (root) or any call home: the test must see only the driver's traffic. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** Closes the browser, removes its profile, and fails if one of its processes is still there. */
  close(): Promise<void>;
}

/** Pids whose command line names `needle` (the profile directory: only that browser's processes have it). */
export async function processesWith(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium (make deps installs it)`);
  const profile = await mkdtemp(path.join(tmpdir(), 'docker-ovn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close();
      await waitFor(async () => ((await processesWith(profile)).length === 0 ? true : undefined), {
        timeoutMs: 10_000,
        what: `chromium processes of ${profile} gone`,
      });
      await rm(profile, { recursive: true, force: true });
    },
  };
}
