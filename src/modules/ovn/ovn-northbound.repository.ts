import { Injectable, Logger } from '@nestjs/common';
import { KeyedQueue } from '../../common/keyed-queue';
import { namedUuid, retryOnConflict, type ChangeBatch, type RowChange, type Where } from 'ovsdb-client';
import { ConflictError, DriverError } from '../../protocol/errors';
import type { NetworkSpec } from '../../domain/network-spec';
import type { ExposedPort } from '../../domain/policy';
import { lookup } from './cache-indexes';
import { endpointOf, lspAddresses, networksOf, storedNetwork } from './network-records';
import { NorthboundRepository } from './northbound.repository';
import type { EndpointRecord, EndpointSpec, NetworkRecord } from './ovn.model';
import { refuseForeignRow } from './foreign-row';
import { findRouter, gatewayOps, removeGatewayOps } from './router-ops';
import {
  endpointPolicyOps,
  exposePortsOps,
  trackUpgradeOps,
  isolationMatch,
  isolationOps,
  removeEndpointPolicyOps,
  removeIsolationOps,
  removeNetworkPolicyOps,
} from './policy-ops';
import { OvsdbSessions, type NbClient } from './ovsdb-sessions';
import { overlaps, parseSubnet } from '../../domain/address';
import {
  ADDRESS6_KEY,
  ADDRESS_KEY,
  CHASSIS_KEY,
  ENDPOINT_ID_KEY,
  NETWORK_ID_KEY,
  NETWORK_KEY_PREFIX,
  OWNER,
  OWNER_KEY,
  SWITCH_KEY,
  VRF_KEY,
  GATEWAY_KEY,
  GATEWAY6_KEY,
  ISOLATED_KEY,
  SUBNET_KEY,
  SUBNET6_KEY,
  isOwned,
  hostKey,
  hostKeyPrefix,
  networkKey,
  switchName,
} from './ownership';
import { nbOp, type NbTables, type SwitchPortRow, type SwitchRow } from './rows';
import { NB } from './tables';

/** The switch's own external_ids: ownership, its (vrf, subnet) key, its gateway. */
function switchIds(spec: NetworkSpec): Record<string, string> {
  const ids: Record<string, string> = {
    [OWNER_KEY]: OWNER,
    [SWITCH_KEY]: `${spec.vrf}|${spec.ipv4.subnet.cidr}`,
    [VRF_KEY]: spec.vrf,
    [SUBNET_KEY]: spec.ipv4.subnet.cidr,
  };
  if (spec.ipv4.gateway) ids[GATEWAY_KEY] = `${spec.ipv4.gateway}/${spec.ipv4.subnet.prefix}`;
  if (spec.ipv6) ids[SUBNET6_KEY] = spec.ipv6.subnet.cidr;
  if (spec.ipv6?.gateway) ids[GATEWAY6_KEY] = `${spec.ipv6.gateway}/${spec.ipv6.subnet.prefix}`;
  if (spec.isolated) ids[ISOLATED_KEY] = 'true';
  return ids;
}

/**
 * Two hosts' networks share a switch only when their addresses come from one pool. Docker's built-in IPAM
 * keeps a pool per host and every host hands out the same first addresses: their containers would collide
 * on the switch (same IP, and the same MAC, derived from it). Networks of one host never meet here with
 * Docker's IPAM (it refuses overlapping pools), and a network made by an earlier release records no chassis.
 */
function refuseSharedDockerPool(sw: SwitchRow, spec: NetworkSpec): void {
  for (const other of networksOf(sw)) {
    if (!other.chassis || other.chassis === spec.chassis || (!spec.dockerIpam && !other.dockerIpam)) continue;
    const which = spec.dockerIpam ? 'this network takes' : `network ${other.networkId.slice(0, 12)} takes`;
    throw new ConflictError(
      'SUBNET_IN_USE',
      `subnet ${spec.ipv4.subnet.cidr} of vrf ${spec.vrf} is network ${other.networkId.slice(0, 12)} of chassis ${other.chassis} already, and ${which} its addresses from Docker's IPAM, which hands out the same ones on every host; share a subnet between hosts with --ipam-driver ovn (README "Multi-host"), or give this network another --subnet or -o vrf`,
    );
  }
}

/**
 * Networks sharing a switch are one L2 segment: a frame the sender's MTU allows and the receiver's does not
 * is dropped without an ICMP error (no router between them to send one), so large transfers between hosts
 * stall while pings pass. Two MTUs given with -o mtu must agree; a network without one takes its host's
 * tunnel-derived default, which only that host can compute.
 */
function refuseOtherMtu(sw: SwitchRow, spec: NetworkSpec): void {
  if (spec.mtu === undefined) return;
  const other = networksOf(sw).find((n) => n.mtu !== undefined && n.mtu !== spec.mtu);
  if (!other) return;
  throw new ConflictError(
    'SWITCH_MISMATCH',
    `switch ${sw.name} (vrf ${spec.vrf}, subnet ${spec.ipv4.subnet.cidr}) holds network ${other.networkId.slice(0, 12)}${other.chassis ? ` of chassis ${other.chassis}` : ''} with -o mtu=${other.mtu}; this network asks for mtu=${spec.mtu}, and one segment drops frames larger than its smallest MTU without telling the sender: give it -o mtu=${other.mtu}`,
  );
}

/**
 * Subnets of one vrf routed by its router are one routing table: a subnet inside another's (10.0.1.0/24
 * beside 10.0.0.0/16) takes the larger one's addresses in it away from the router, so routed traffic to
 * them lands on the wrong switch (and an isolated one's router port drops it). Docker's IPAM refuses
 * overlapping pools on one host only; OVN IPAM keys pools by exact subnet, and other hosts' networks share
 * the vrf: refused here, where every switch of the vrf is known. Two isolated subnets never route to each
 * other (egress leaves through docker_gwbridge), and one without a gateway has no router port: those may
 * overlap, as they could before.
 */
function refuseOverlap(nb: NbClient, spec: NetworkSpec): void {
  const ours = switchIds(spec);
  // Per family: a subnet is on the router only with that family's gateway.
  const families = [
    { subnet: SUBNET_KEY, gateway: GATEWAY_KEY },
    { subnet: SUBNET6_KEY, gateway: GATEWAY6_KEY },
  ] as const;
  for (const sw of lookup.switchesOfVrf(nb.cache, spec.vrf)) {
    if (!routed(ours) && !routed(sw.external_ids)) continue;
    for (const f of families) {
      const [mine, theirs] = [ours[f.subnet], sw.external_ids[f.subnet]];
      if (!mine || !theirs || !ours[f.gateway] || !sw.external_ids[f.gateway]) continue;
      // No switch of the vrf has this IPv4 subnet (it would be this network's): any overlap is another's.
      if (overlaps(parseSubnet(mine), parseSubnet(theirs)))
        throw new ConflictError(
          'SUBNET_OVERLAP',
          `subnet ${mine} overlaps ${theirs} of switch ${sw.name} in vrf ${spec.vrf}, whose router routes ${routed(ours) ? 'this one' : 'that one'}: it could not tell them apart; give this network another --subnet or -o vrf (networks of the same subnet share one switch)`,
        );
    }
  }
}

/** Router port networks: the gateway addresses with their prefix lengths. */
function gatewayNetworks(spec: NetworkSpec): string[] {
  const ids = switchIds(spec);
  return [ids[GATEWAY_KEY], ids[GATEWAY6_KEY]].filter((g): g is string => !!g);
}

/** Networks sharing a switch share its gateway: one router port answers at one address. */
function refuseOtherGateway(sw: SwitchRow, spec: NetworkSpec): void {
  const want = switchIds(spec);
  for (const key of [GATEWAY_KEY, GATEWAY6_KEY, SUBNET6_KEY, ISOLATED_KEY]) {
    if ((sw.external_ids[key] ?? '') !== (want[key] ?? '')) {
      if (key === ISOLATED_KEY) {
        throw new ConflictError(
          'SWITCH_MISMATCH',
          `switch ${sw.name} (vrf ${spec.vrf}, subnet ${spec.ipv4.subnet.cidr}) is ${sw.external_ids[key] === 'true' ? '' : 'not '}isolated from the vrf's other subnets; this network asks for isolated=${spec.isolated} (networks without -o vrf are isolated by default): give it -o isolated=${!spec.isolated}`,
        );
      }
      const what = key === SUBNET6_KEY ? 'IPv6 subnet' : key === GATEWAY6_KEY ? 'IPv6 gateway' : 'gateway';
      throw new ConflictError(
        'SWITCH_MISMATCH',
        `switch ${sw.name} (vrf ${spec.vrf}, subnet ${spec.ipv4.subnet.cidr}) already has ${what} ${sw.external_ids[key] ?? 'none'}; this network asks for ${want[key] ?? 'none'}`,
      );
    }
  }
}

/** Switch keys that decide which subnets a vrf routes. */
const ROUTING_KEYS = [VRF_KEY, SUBNET_KEY, SUBNET6_KEY, GATEWAY_KEY, GATEWAY6_KEY, ISOLATED_KEY];

/** A switch that is one of its vrf's routed subnets (vrfSubnets): with a gateway, and not isolated. */
function routed(ids: Record<string, string> | undefined): boolean {
  return !!ids && !!(ids[GATEWAY_KEY] || ids[GATEWAY6_KEY]) && ids[ISOLATED_KEY] !== 'true';
}

/**
 * A switch of this driver came, went, or changed what its vrf routes. One that is no routed subnet (isolated,
 * as compose's networks are by default, or without a gateway) coming or going changes no container's routes.
 */
function changesVrfRouting(c: RowChange<NbTables>): boolean {
  if (c.table !== NB.Logical_Switch) return false;
  const before = c.old?.external_ids;
  const after = c.new?.external_ids;
  if (!isOwned(before) && !isOwned(after)) return false;
  if (c.type === 'insert') return routed(after);
  if (c.type === 'delete') return routed(before);
  return ROUTING_KEYS.some((k) => before?.[k] !== after?.[k]);
}

/**
 * Tries of a network's join or removal: each waits on the switch's networks as read, so the networks of one
 * switch made or removed at once (a compose project started on ten hosts, `compose down`) go one per round.
 */
const NETWORK_ATTEMPTS = 20;

/**
 * Logical switches and ports in NB. Concurrency between hosts sharing a switch is optimistic: each
 * transaction starts with a `wait` on the values it read (RFC 7047 §5.2.6), and is rebuilt and retried
 * when another writer got there first.
 */
@Injectable()
export class OvnNorthboundRepository extends NorthboundRepository {
  /**
   * Port creation on one switch is serialised in this process: each transaction waits on the switch's
   * `ports`, so parallel creates here would only defeat each other. Other hosts still race, and retry.
   */
  private readonly perSwitch = new KeyedQueue();

  private readonly logger = new Logger(OvnNorthboundRepository.name);

  constructor(private readonly sessions: OvsdbSessions) {
    super();
    // Groups made by a release without the track ACL (policy-ops.ts, TRACK_PRIORITY) get it once NB is loaded:
    // until then a closed container alone on its switch gets no replies.
    sessions.nbSession.on('change', (batch: ChangeBatch<NbTables>) => {
      if (batch.initial)
        this.addTrackAcls().catch((e: unknown) => this.logger.warn(`policy groups without a track ACL stay so for now: ${String(e)}`));
    });
  }

  private async addTrackAcls(): Promise<void> {
    const nb = this.sessions.nb();
    for (const pg of nb.cache.table(NB.Port_Group).values()) {
      if (!isOwned(pg.external_ids) || trackUpgradeOps(nb, pg).length === 0) continue;
      let added = false;
      await retryOnConflict(
        async () => {
          const now = nb.cache.get(NB.Port_Group, pg._uuid);
          const ops = now ? trackUpgradeOps(nb, now) : [];
          if (ops.length > 0) await nb.transact(ops);
          added = ops.length > 0;
        },
        { client: nb },
      );
      if (added) this.logger.log(`policy group ${pg.name}: track ACL added (replies to its closed containers)`);
    }
  }

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkRecord> {
    const key = switchIds(spec)[SWITCH_KEY];
    const name = switchName(spec.vrf, spec.ipv4.subnet.cidr);
    const value = storedNetwork(spec);
    // A shared network also records this host's presence; a local one needs no more than its value.
    const presence = spec.shared ? { [hostKey(spec.networkId, spec.chassis)]: '1' } : {};
    await retryOnConflict(
      async () => {
        const nb = this.sessions.nb();
        const sw = lookup.switchByKey(nb.cache, key);
        const ids = sw?.external_ids;
        const stored = ids?.[networkKey(spec.networkId)];
        if (stored === value && !spec.shared) return;
        if (stored !== undefined && spec.shared) {
          if (ids![hostKey(spec.networkId, spec.chassis)]) return;
          // The network is there (made by this host or another): only this host's presence is added, while
          // the network is there. The wait names the network alone, so nodes adding theirs at once (a global
          // service starting) do not fail each other's waits.
          const there: Where<NbTables[typeof NB.Logical_Switch]> = [
            ['_uuid', '==', sw!._uuid],
            ['external_ids', 'includes', { [networkKey(spec.networkId)]: stored }],
          ];
          await nb.transact([
            nbOp.wait(NB.Logical_Switch, there, ['name'], '==', [{ name: sw!.name }], 0),
            nbOp.mutate(NB.Logical_Switch, [['_uuid', '==', sw!._uuid]], [['external_ids', 'insert', presence]]),
          ]);
          return;
        }
        if (sw) {
          refuseOtherGateway(sw, spec);
          refuseSharedDockerPool(sw, spec);
          refuseOtherMtu(sw, spec);
          // Another network (maybe on another host) made the switch: add ours to it, if it is still there
          // and still holds the networks the two checks above read (two hosts adding a Docker-IPAM network
          // at once would each pass them).
          await nb.transact([
            nbOp.wait(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], ['external_ids'], '==', [{ external_ids: sw.external_ids }], 0),
            nbOp.mutate(
              NB.Logical_Switch,
              [['_uuid', '==', sw._uuid]],
              [['external_ids', 'insert', { [networkKey(spec.networkId)]: value, ...presence }]],
            ),
          ]);
          return;
        }
        // Switch names are not unique in the NB schema: the wait makes "create if absent" atomic.
        refuseForeignRow(nb, NB.Logical_Switch, name);
        refuseOverlap(nb, spec);
        const gateway = gatewayNetworks(spec);
        const gw = gateway.length > 0 ? gatewayOps(nb, spec.vrf, name, gateway) : undefined;
        // An isolated subnet's router policy comes with its router port: both exist exactly while the switch does.
        const isolate =
          gw && spec.isolated ? isolationOps(gw.router, key, isolationMatch(spec.ipv4.subnet.cidr, spec.ipv6?.subnet.cidr)) : [];
        await nb.transact([
          nbOp.wait(NB.Logical_Switch, [['name', '==', name]], ['name'], '==', [], 0),
          ...(gw?.ops ?? []),
          ...isolate,
          nbOp.insert(NB.Logical_Switch, {
            name,
            ports: gw ? [gw.switchPort] : [],
            external_ids: { ...switchIds(spec), [networkKey(spec.networkId)]: value, ...presence },
          }),
        ]);
      },
      { client: this.sessions.nb(), attempts: NETWORK_ATTEMPTS },
    );
    const record = this.findNetwork(spec.networkId);
    if (!record) throw new DriverError('OVN_NETWORK_MISSING', `network ${spec.networkId} vanished from NB right after it was created`);
    return record;
  }

  async removeNetwork(networkId: string, sharedFrom?: string): Promise<string[]> {
    let keptFor: string[] = [];
    await retryOnConflict(
      async () => {
        const nb = this.sessions.nb();
        const sw = this.switchOf(nb, networkId);
        if (!sw) return;
        keptFor = sharedFrom === undefined ? [] : this.otherHostsOn(nb, sw, networkId, sharedFrom);
        const presence = Object.keys(sw.external_ids).filter((k) => k.startsWith(hostKeyPrefix(networkId)));
        const mine = sharedFrom === undefined ? undefined : hostKey(networkId, sharedFrom);
        if (keptFor.length > 0) {
          // Others keep it: this host's presence goes, on the ids as read (one removal racing another's).
          if (mine && sw.external_ids[mine] !== undefined)
            await nb.transact([
              nbOp.wait(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], ['external_ids'], '==', [{ external_ids: sw.external_ids }], 0),
              nbOp.mutate(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], [['external_ids', 'delete', [mine]]]),
            ]);
          return;
        }
        // A shared NetworkID must not lose its last other host's endpoint to a port added meanwhile.
        const portsAsRead =
          sharedFrom === undefined
            ? []
            : [nbOp.wait(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], ['ports'], '==', [{ ports: sw.ports }], 0)];
        const others = Object.keys(sw.external_ids).filter((k) => k.startsWith(NETWORK_KEY_PREFIX) && k !== networkKey(networkId));
        // Both ways on the networks as read: two networks of one switch removed at once (two hosts, or
        // compose down) would each see the other and leave the switch with none.
        const asRead = nbOp.wait(
          NB.Logical_Switch,
          [['_uuid', '==', sw._uuid]],
          ['external_ids'],
          '==',
          [{ external_ids: sw.external_ids }],
          0,
        );
        if (others.length > 0) {
          await nb.transact([
            asRead,
            ...portsAsRead,
            nbOp.mutate(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], [['external_ids', 'delete', [networkKey(networkId), ...presence]]]),
            ...removeNetworkPolicyOps(nb, networkId),
          ]);
          return;
        }
        const vrf = sw.external_ids[VRF_KEY];
        // Last network: remove the switch, unless another host added a network since we read it.
        // Its ports are not root rows and go with it (ovn-nb.ovsschema).
        await nb.transact([
          asRead,
          ...portsAsRead,
          nbOp.delete(NB.Logical_Switch, [['_uuid', '==', sw._uuid]]),
          ...removeGatewayOps(nb, vrf, sw.name),
          ...removeIsolationOps(nb, vrf, sw.external_ids[SWITCH_KEY] ?? '', findRouter(nb, vrf)?.ports.length === 1),
          ...removeNetworkPolicyOps(nb, networkId),
        ]);
      },
      { client: this.sessions.nb(), attempts: NETWORK_ATTEMPTS },
    );
    return keptFor;
  }

  /**
   * The other chassis that have the network: recorded by their CreateNetwork, or with endpoints of it on its
   * switch (ports that name no chassis count for none).
   */
  private otherHostsOn(nb: NbClient, sw: SwitchRow, networkId: string, chassis: string): string[] {
    const hosts = new Set<string>();
    for (const key of Object.keys(sw.external_ids))
      if (key.startsWith(hostKeyPrefix(networkId)) && key !== hostKey(networkId, chassis))
        hosts.add(key.slice(hostKeyPrefix(networkId).length));
    for (const uuid of sw.ports) {
      const ids = nb.cache.get(NB.Logical_Switch_Port, uuid)?.external_ids;
      const host = ids?.[CHASSIS_KEY];
      if (host && host !== chassis && ids[NETWORK_ID_KEY] === networkId) hosts.add(host);
    }
    return [...hosts].sort();
  }

  findNetwork(networkId: string): NetworkRecord | undefined {
    const sw = this.switchOf(this.sessions.nb(), networkId);
    return sw ? networksOf(sw).find((n) => n.networkId === networkId) : undefined;
  }

  async createEndpoint(spec: EndpointSpec, chassis: string | undefined): Promise<EndpointRecord> {
    const key = this.switchOf(this.sessions.nb(), spec.networkId)?._uuid ?? spec.networkId;
    await this.perSwitch.run(key, () => this.insertPort(spec, chassis));
    const record = this.findEndpoint(spec.endpointId);
    if (!record) throw new DriverError('OVN_PORT_MISSING', `endpoint ${spec.endpointId} vanished from NB right after it was created`);
    return record;
  }

  private async insertPort(spec: EndpointSpec, chassis: string | undefined): Promise<void> {
    await retryOnConflict(
      async () => {
        const nb = this.sessions.nb();
        const sw = this.switchOf(nb, spec.networkId);
        if (!sw) throw new DriverError('NETWORK_NOT_FOUND', `network ${spec.networkId} is not known to this driver`);
        const existing = this.lsp(nb, spec.endpointId);
        if (existing) {
          if (!isOwned(existing.external_ids) || existing.external_ids[NETWORK_ID_KEY] !== spec.networkId) {
            throw new ConflictError(
              'ENDPOINT_EXISTS',
              `a logical switch port named ${spec.endpointId} already exists and is not this endpoint's`,
            );
          }
          return;
        }
        this.refuseTakenAddresses(nb, sw, spec, chassis);
        const addresses = lspAddresses(spec.mac, spec.address, spec.addressIPv6);
        const ids: Record<string, string> = {
          [OWNER_KEY]: OWNER,
          [NETWORK_ID_KEY]: spec.networkId,
          [ENDPOINT_ID_KEY]: spec.endpointId,
        };
        if (spec.address) ids[ADDRESS_KEY] = spec.address;
        if (spec.addressIPv6) ids[ADDRESS6_KEY] = spec.addressIPv6;
        if (chassis) ids[CHASSIS_KEY] = chassis;
        await nb.transact([
          // The switch's ports as read: the address check above and the insert are one atomic step across
          // hosts. The wait grows with the ports of the switch (40 bytes each), but changes nothing: a
          // counter in the switch's external_ids would make ovn-northd, which handles a port added to a
          // switch incrementally but any other switch column by recomputing everything
          // (northd.c ls_changes_can_be_handled, OVN 23.09 and later), recompute on every container start.
          nbOp.wait(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], ['ports'], '==', [{ ports: sw.ports }], 0),
          nbOp.insert(
            NB.Logical_Switch_Port,
            { name: spec.endpointId, addresses: [addresses], port_security: [addresses], external_ids: ids },
            { uuidName: 'lsp' },
          ),
          nbOp.mutate(NB.Logical_Switch, [['_uuid', '==', sw._uuid]], [['ports', 'insert', [namedUuid('lsp')]]]),
          // Under policy from its first packet: group membership and allow ACL ride in the port's transaction.
          ...(spec.policy ? endpointPolicyOps(nb, spec.networkId, spec.endpointId, spec.endpointId, spec.policy) : []),
        ]);
      },
      { client: this.sessions.nb(), attempts: 20 },
    );
  }

  async exposePorts(endpointId: string, ports: ExposedPort[]): Promise<void> {
    await retryOnConflict(
      async () => {
        const nb = this.sessions.nb();
        const ep = this.findEndpoint(endpointId);
        const ops = ep ? exposePortsOps(nb, endpointId, ep.lspName, ports) : [];
        if (ops.length > 0) await nb.transact(ops);
      },
      { client: this.sessions.nb() },
    );
  }

  async deleteEndpoint(endpointId: string): Promise<void> {
    const nb = this.sessions.nb();
    const lsp = this.lsp(nb, endpointId);
    if (!lsp || !isOwned(lsp.external_ids)) return;
    // The port's own network names its switch; a port moved by hand is looked for everywhere.
    const own = this.switchOf(nb, lsp.external_ids[NETWORK_ID_KEY] ?? '');
    const holders = own?.ports.includes(lsp._uuid)
      ? [own]
      : [...nb.cache.table(NB.Logical_Switch).values()].filter((s) => s.ports.includes(lsp._uuid));
    await nb.transact([
      ...holders.map((s) => nbOp.mutate(NB.Logical_Switch, [['_uuid', '==', s._uuid]], [['ports', 'delete', [lsp._uuid]]])),
      nbOp.delete(NB.Logical_Switch_Port, [['_uuid', '==', lsp._uuid]]),
      ...removeEndpointPolicyOps(nb, endpointId),
    ]);
  }

  findEndpoint(endpointId: string): EndpointRecord | undefined {
    const lsp = this.lsp(this.sessions.nb(), endpointId);
    return lsp && isOwned(lsp.external_ids) ? endpointOf(lsp) : undefined;
  }

  endpointsOn(chassis: string): EndpointRecord[] {
    return lookup
      .portsOnChassis(this.sessions.nb().cache, chassis)
      .filter((lsp) => lsp.external_ids[ENDPOINT_ID_KEY])
      .map(endpointOf);
  }

  endpointsHolding(networkId: string, ips: string[]): EndpointRecord[] {
    const nb = this.sessions.nb();
    const sw = this.switchOf(nb, networkId);
    if (!sw) return [];
    return ips
      .flatMap((ip) => lookup.portsWithIp(nb.cache, ip))
      .filter((lsp) => sw.ports.includes(lsp._uuid) && isOwned(lsp.external_ids) && lsp.external_ids[ENDPOINT_ID_KEY])
      .map(endpointOf);
  }

  addressHeld(ip: string): boolean {
    return lookup.portsWithIp(this.sessions.nb().cache, ip).length > 0;
  }

  networksOn(chassis: string): { network: NetworkRecord; endpoints: number }[] {
    const nb = this.sessions.nb();
    const out: { network: NetworkRecord; endpoints: number }[] = [];
    for (const sw of nb.cache.table(NB.Logical_Switch).values()) {
      if (!isOwned(sw.external_ids)) continue;
      const mine = networksOf(sw).filter((n) => n.chassis === chassis);
      if (mine.length === 0) continue;
      const ports = sw.ports.map((uuid) => nb.cache.get(NB.Logical_Switch_Port, uuid)?.external_ids[NETWORK_ID_KEY]);
      for (const network of mine) out.push({ network, endpoints: ports.filter((id) => id === network.networkId).length });
    }
    return out;
  }

  vrfSubnets(vrf: string): { subnet?: string; subnet6?: string }[] {
    // An isolated subnet is on the router for its gateway only: the router drops what it would route.
    return lookup
      .switchesOfVrf(this.sessions.nb().cache, vrf)
      .filter((s) => (s.external_ids[GATEWAY_KEY] || s.external_ids[GATEWAY6_KEY]) && s.external_ids[ISOLATED_KEY] !== 'true')
      .map((s) => ({
        subnet: s.external_ids[GATEWAY_KEY] ? s.external_ids[SUBNET_KEY] : undefined,
        subnet6: s.external_ids[GATEWAY6_KEY] ? s.external_ids[SUBNET6_KEY] : undefined,
      }));
  }

  onVrfChange(listener: (initial: boolean) => void): void {
    this.sessions.nbSession.on('change', (batch: ChangeBatch<NbTables>) => {
      if (batch.initial || batch.changes.some(changesVrfRouting)) listener(batch.initial === true);
    });
  }

  private refuseTakenAddresses(nb: NbClient, sw: SwitchRow, spec: EndpointSpec, chassis: string | undefined): void {
    for (const ip of [spec.address, spec.addressIPv6].filter((a): a is string => !!a).map((a) => a.split('/')[0]!)) {
      const port = lookup.portsWithIp(nb.cache, ip).find((p) => sw.ports.includes(p._uuid));
      if (port) {
        const holder = port.external_ids[ENDPOINT_ID_KEY] ?? port.name;
        const elsewhere = port.external_ids[CHASSIS_KEY];
        // The usual cause with Docker's IPAM: each host's dockerd picked the same default pool (or subnet)
        // for its own network, and one (vrf, subnet) is one switch on every host sharing the NB. With OVN's
        // IPAM the pool handed the address out again: the port there outlived its endpoint.
        const dockerIpam = networksOf(sw).find((n) => n.networkId === spec.networkId)?.dockerIpam ?? true;
        const hint =
          !elsewhere || elsewhere === chassis
            ? ''
            : dockerIpam
              ? `; it is on host ${elsewhere}: networks with the same vrf and subnet share one switch on every host, so give each host's network its own subnet or vrf, or allocate across hosts with --ipam-driver ovn and, on every host, the same --ipam-opt vrf as -o vrf (the pool is the IPAM vrf's, the switch the network vrf's)`
              : `; it is on host ${elsewhere}, whose endpoint outlived its address in the pool: that host's reconciler removes it once its dockerd no longer knows the endpoint (docker-ovn-driver doctor there lists it)`;
        throw new ConflictError('ADDRESS_IN_USE', `address ${ip} is already used by endpoint ${holder} on switch ${sw.name}${hint}`);
      }
    }
  }

  private switchOf(nb: NbClient, networkId: string): SwitchRow | undefined {
    return lookup.switchOfNetwork(nb.cache, networkId);
  }

  private lsp(nb: NbClient, name: string): SwitchPortRow | undefined {
    return lookup.switchPort(nb.cache, name);
  }
}
