import { accessSync, constants } from 'node:fs';
import type { DriverConfig } from './driver-config';
import { ConfigError } from './load-config';

const TLS_KEYS = ['OVN_DRIVER_SSL_KEY', 'OVN_DRIVER_SSL_CERT', 'OVN_DRIVER_SSL_CA'] as const;

/**
 * Checks, once at start, that an `ssl:` Northbound remote has its three files and that they can be read:
 * without them the session could only fail its TLS handshake forever (or, with one key unset, dial without a
 * certificate), while the operator sees nothing but "not connected". Throws a {@link ConfigError} naming each
 * missing key or unreadable file; nothing to check for unix: and tcp: remotes.
 */
export function requireTlsFiles(config: Readonly<DriverConfig>): void {
  const remotes = (config.OVN_DRIVER_NB ?? '').split(',').filter((r) => r.startsWith('ssl:'));
  if (remotes.length === 0) return;
  const problems: string[] = [];
  for (const key of TLS_KEYS) {
    const file = config[key];
    if (!file) {
      problems.push(`${key} is not set`);
      continue;
    }
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      problems.push(`${key}=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  if (problems.length > 0)
    throw new ConfigError([
      `the OVN Northbound remote ${remotes.join(',')} needs a private key, a certificate and a CA certificate: ${problems.join(', ')} ` +
        '(managed plugin: keep them in /etc/ovn, the ovn-etc mount, e.g. docker plugin set PLUGIN OVN_DRIVER_SSL_KEY=/etc/ovn/ovn-privkey.pem)',
    ]);
}
