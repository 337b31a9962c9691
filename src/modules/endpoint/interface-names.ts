/**
 * veth names derived from the EndpointID: at most 15 bytes (IFNAMSIZ - 1), unique per endpoint on the host.
 * 12 hex digits of a random 256-bit Docker ID are as unique as Docker's own short IDs.
 */
export function vethNames(endpointId: string): { host: string; peer: string } {
  const short = endpointId.slice(0, 12);
  return { host: `ovn${short}`, peer: `ovc${short}` };
}

/** The sandbox (network namespace) ID Docker puts at the end of the SandboxKey path. */
export function sandboxId(sandboxKey: string): string {
  return sandboxKey.split('/').filter(Boolean).pop() ?? sandboxKey;
}
