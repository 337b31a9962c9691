/**
 * Paths dockerd POSTs to (moby pkg/plugins/client.go: "/" + Subsystem + "." + Verb;
 * verbs from libnetwork/drivers/remote/api/api.go).
 */
export const PLUGIN_ACTIVATE = '/Plugin.Activate';

export const NetworkDriverRoute = {
  GetCapabilities: '/NetworkDriver.GetCapabilities',
  CreateNetwork: '/NetworkDriver.CreateNetwork',
  DeleteNetwork: '/NetworkDriver.DeleteNetwork',
  AllocateNetwork: '/NetworkDriver.AllocateNetwork',
  FreeNetwork: '/NetworkDriver.FreeNetwork',
  CreateEndpoint: '/NetworkDriver.CreateEndpoint',
  DeleteEndpoint: '/NetworkDriver.DeleteEndpoint',
  EndpointOperInfo: '/NetworkDriver.EndpointOperInfo',
  Join: '/NetworkDriver.Join',
  Leave: '/NetworkDriver.Leave',
  ProgramExternalConnectivity: '/NetworkDriver.ProgramExternalConnectivity',
  RevokeExternalConnectivity: '/NetworkDriver.RevokeExternalConnectivity',
  DiscoverNew: '/NetworkDriver.DiscoverNew',
  DiscoverDelete: '/NetworkDriver.DiscoverDelete',
} as const;

export const IpamDriverRoute = {
  GetCapabilities: '/IpamDriver.GetCapabilities',
  GetDefaultAddressSpaces: '/IpamDriver.GetDefaultAddressSpaces',
  RequestPool: '/IpamDriver.RequestPool',
  ReleasePool: '/IpamDriver.ReleasePool',
  RequestAddress: '/IpamDriver.RequestAddress',
  ReleaseAddress: '/IpamDriver.ReleaseAddress',
} as const;

/** The verb in a plugin path ("/NetworkDriver.Join" → "Join"), or the path itself when it is not one. */
export function verbOf(url: string): string {
  const path = url.split('?')[0];
  const m = /^\/[A-Za-z]+\.([A-Za-z]+)$/.exec(path);
  return m ? m[1] : path;
}
