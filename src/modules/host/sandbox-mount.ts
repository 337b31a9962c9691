import { statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Whether a sandbox is alive: its network namespace is bind-mounted on the SandboxKey. dockerd unmounts it
 * when the container goes, but the file itself may stay for a minute (libnetwork osl's Destroy leaves the
 * path to a garbage collector), so the mount, not the file, tells. After a reboot neither is there.
 */
export function sandboxMounted(key: string): boolean {
  try {
    return statSync(key).dev !== statSync(path.dirname(key)).dev;
  } catch {
    return false;
  }
}
