import { namedUuid, type Op, type Where } from 'ovsdb-client';
import { allowMatch, portsText, type EndpointPolicy, type ExposedPort } from '../../domain/policy';
import { lookup } from './cache-indexes';
import {
  ENDPOINT_ID_KEY,
  NETWORK_ID_KEY,
  OWNER,
  OWNER_KEY,
  POLICY_KEY,
  SWITCH_KEY,
  allowAclName,
  denyAclName,
  meterName,
  portGroupName,
  trackAclName,
} from './ownership';
import type { NbClient } from './ovsdb-sessions';
import { findRouter } from './router-ops';
import { nbOp, type NbTables, type PortGroupRow } from './rows';
import { NB } from './tables';

/**
 * ACL priorities (0-32767, higher first). The deny covers every port of the group; an endpoint's allow
 * sits above it. OVN itself lets replies and related traffic of committed connections through above both
 * (ovn-northd(8), ls_out_acl priority 65532), so only new connections meet them — on a switch with an
 * `allow-related` ACL only: ovn-northd uses conntrack on a switch only then, and elsewhere a drop is
 * stateless and drops replies too. Hence the group's track ACL: what its ports send is `allow-related`,
 * committed, so the answers to a closed container's own connections are replies on any switch.
 */
export const DENY_PRIORITY = 1000;
export const ALLOW_PRIORITY = 1001;
export const TRACK_PRIORITY = 1001;
/** Logged denies are rate-limited: a flood must not flood ovn-controller's log (ovn-nb(5) ACL meter). */
export const DENY_LOG_RATE_PPS = 20;
/** Router policy priority of a subnet's isolation (0-32767; the driver sets no other policies). */
export const ISOLATE_PRIORITY = 1000;

/**
 * Ops making the network's Port_Group with its logged, metered deny ACL when it is not there yet (the
 * wait on the name makes "create if absent" atomic across hosts), and the `where` selecting the group.
 */
export function portGroupOps(nb: NbClient, networkId: string): { ops: Op[]; where: Where<NbTables[typeof NB.Port_Group]> } {
  const pg = lookup.portGroupOfNetwork(nb.cache, networkId);
  const name = portGroupName(networkId);
  const ids = { [OWNER_KEY]: OWNER, [NETWORK_ID_KEY]: networkId };
  if (pg) {
    const where: Where<NbTables[typeof NB.Port_Group]> = [['_uuid', '==', pg._uuid]];
    return { ops: [nbOp.wait(NB.Port_Group, where, ['name'], '==', [{ name: pg.name }], 0), ...trackUpgradeOps(nb, pg)], where };
  }
  const ops: Op[] = [nbOp.wait(NB.Port_Group, [['name', '==', name]], ['name'], '==', [], 0)];
  // A meter left by an interrupted removal is reused: Meter names are unique (ovn-nb.ovsschema).
  if (!lookup.meterNamed(nb.cache, meterName(networkId))) {
    ops.push(
      nbOp.insert(
        NB.Meter_Band,
        { action: 'drop', rate: DENY_LOG_RATE_PPS, burst_size: DENY_LOG_RATE_PPS, external_ids: ids },
        { uuidName: 'band' },
      ),
      nbOp.insert(NB.Meter, { name: meterName(networkId), unit: 'pktps', bands: [namedUuid('band')], external_ids: ids }),
    );
  }
  ops.push(
    nbOp.insert(
      NB.ACL,
      {
        name: denyAclName(networkId),
        priority: DENY_PRIORITY,
        direction: 'to-lport',
        // ARP and IPv6 ND are not IP ACL matches (ND is let through by ovn-northd anyway): neighbours resolve.
        match: `outport == @${name} && ip`,
        action: 'drop',
        log: true,
        severity: 'info',
        meter: meterName(networkId),
        external_ids: { ...ids, [POLICY_KEY]: 'deny' },
      },
      { uuidName: 'deny' },
    ),
    nbOp.insert(NB.Port_Group, { name, ports: [], acls: [namedUuid('deny')], external_ids: ids }, { uuidName: 'pg' }),
  );
  const where: Where<NbTables[typeof NB.Port_Group]> = [['_uuid', '==', namedUuid('pg')]];
  return { ops: [...ops, ...trackAclOps(name, networkId, ids, where)], where };
}

/**
 * Ops giving a group made by a release without the track ACL its track ACL, on the group's `acls` as read
 * (hosts doing it at once add one); none when it has one.
 */
export function trackUpgradeOps(nb: NbClient, pg: PortGroupRow): Op[] {
  if (pg.acls.some((uuid) => nb.cache.get(NB.ACL, uuid)?.external_ids[POLICY_KEY] === 'track')) return [];
  const networkId = pg.external_ids[NETWORK_ID_KEY] ?? '';
  const where: Where<NbTables[typeof NB.Port_Group]> = [['_uuid', '==', pg._uuid]];
  return [
    nbOp.wait(NB.Port_Group, where, ['acls'], '==', [{ acls: pg.acls }], 0),
    ...trackAclOps(pg.name, networkId, { [OWNER_KEY]: OWNER, [NETWORK_ID_KEY]: networkId }, where),
  ];
}

/** The group's track ACL (see TRACK_PRIORITY) and its place in the group's `acls`. */
function trackAclOps(group: string, networkId: string, ids: Record<string, string>, where: Where<NbTables[typeof NB.Port_Group]>): Op[] {
  return [
    nbOp.insert(
      NB.ACL,
      {
        name: trackAclName(networkId),
        priority: TRACK_PRIORITY,
        direction: 'from-lport',
        match: `inport == @${group} && ip`,
        action: 'allow-related',
        external_ids: { ...ids, [POLICY_KEY]: 'track' },
      },
      { uuidName: 'track' },
    ),
    nbOp.mutate(NB.Port_Group, where, [['acls', 'insert', [namedUuid('track')]]]),
  ];
}

/**
 * Ops putting a new logical port (named uuid `lsp`) under its policy, for the port's own transaction:
 * membership of the network's group, and the ACL letting in what the policy allows.
 */
export function endpointPolicyOps(nb: NbClient, networkId: string, endpointId: string, lspName: string, policy: EndpointPolicy): Op[] {
  const pg = portGroupOps(nb, networkId);
  const ops = [...pg.ops, nbOp.mutate(NB.Port_Group, pg.where, [['ports', 'insert', [namedUuid('lsp')]]])];
  const match = allowMatch(lspName, policy);
  if (!match) return ops;
  return [
    ...ops,
    nbOp.insert(
      NB.ACL,
      {
        name: allowAclName(endpointId),
        priority: ALLOW_PRIORITY,
        direction: 'to-lport',
        match,
        action: 'allow-related',
        external_ids: {
          [OWNER_KEY]: OWNER,
          [NETWORK_ID_KEY]: networkId,
          [ENDPOINT_ID_KEY]: endpointId,
          [POLICY_KEY]: 'allow',
          'docker-ovn:ingress': policy.mode,
          ...(policy.ports.length ? { 'docker-ovn:ports': portsText(policy.ports) } : {}),
          ...(policy.from.length ? { 'docker-ovn:from': policy.from.join(',') } : {}),
        },
      },
      { uuidName: 'allow' },
    ),
    nbOp.mutate(NB.Port_Group, pg.where, [['acls', 'insert', [namedUuid('allow')]]]),
  ];
}

/**
 * Ops setting an `exposed` endpoint's allow ACL to `ports`, on the ACL as read; none when it is not under
 * `exposed` or already names them.
 */
export function exposePortsOps(nb: NbClient, endpointId: string, lspName: string, ports: ExposedPort[]): Op[] {
  const acl = lookup.allowAclOf(nb.cache, endpointId);
  const ids = acl?.external_ids;
  if (!acl || !ids || ids['docker-ovn:ingress'] !== 'exposed' || (ids['docker-ovn:ports'] ?? '') === portsText(ports)) return [];
  const from = ids['docker-ovn:from'] ? ids['docker-ovn:from'].split(',') : [];
  const match = allowMatch(lspName, { mode: 'exposed', ports, from })!;
  const where: Where<NbTables[typeof NB.ACL]> = [['_uuid', '==', acl._uuid]];
  return [
    nbOp.wait(NB.ACL, where, ['match', 'external_ids'], '==', [{ match: acl.match, external_ids: ids }], 0),
    nbOp.update(NB.ACL, where, { match, external_ids: { ...ids, 'docker-ovn:ports': portsText(ports) } }),
  ];
}

/**
 * Ops dropping an endpoint's allow ACL (not a root row: it goes with its last reference). Its group
 * membership needs no op: Port_Group.ports references ports weakly and forgets a deleted one.
 */
export function removeEndpointPolicyOps(nb: NbClient, endpointId: string): Op[] {
  const acl = lookup.allowAclOf(nb.cache, endpointId);
  if (!acl) return [];
  const pg = lookup.portGroupOfNetwork(nb.cache, acl.external_ids[NETWORK_ID_KEY] ?? '');
  const holders = pg?.acls.includes(acl._uuid)
    ? [pg]
    : [...nb.cache.table(NB.Port_Group).values()].filter((g) => g.acls.includes(acl._uuid));
  return holders.map((g) => nbOp.mutate(NB.Port_Group, [['_uuid', '==', g._uuid]], [['acls', 'delete', [acl._uuid]]]));
}

/** Ops removing a network's group (its ACLs go with it) and its meter. */
export function removeNetworkPolicyOps(nb: NbClient, networkId: string): Op[] {
  const ops: Op[] = [];
  const pg = lookup.portGroupOfNetwork(nb.cache, networkId);
  if (pg) ops.push(nbOp.delete(NB.Port_Group, [['_uuid', '==', pg._uuid]]));
  const meter = lookup.meterNamed(nb.cache, meterName(networkId));
  if (meter && meter.external_ids[OWNER_KEY] === OWNER) ops.push(nbOp.delete(NB.Meter, [['_uuid', '==', meter._uuid]]));
  return ops;
}

/**
 * The match of a router policy isolating a switch's subnets: the router stops routing what they send to,
 * or receive from, the vrf's other subnets. Traffic within the subnets is left alone: that includes the
 * router's own answers at the gateway (ping), which go through its routing stages too (ovn-northd(8),
 * lr_in_ip_input re-injects them), so the gateway keeps answering.
 */
export function isolationMatch(subnet: string, subnet6?: string): string {
  const terms = [`(ip4.src == ${subnet} && ip4.dst != ${subnet})`, `(ip4.dst == ${subnet} && ip4.src != ${subnet})`];
  if (subnet6) terms.push(`(ip6.src == ${subnet6} && ip6.dst != ${subnet6})`, `(ip6.dst == ${subnet6} && ip6.src != ${subnet6})`);
  return terms.join(' || ');
}

/** The router policy row of a switch's isolation, for the router the caller names in `router`. */
export function isolationOps(router: Where<NbTables[typeof NB.Logical_Router]>, switchKey: string, match: string): Op[] {
  return [
    nbOp.insert(
      NB.Logical_Router_Policy,
      {
        priority: ISOLATE_PRIORITY,
        match,
        action: 'drop',
        external_ids: { [OWNER_KEY]: OWNER, [SWITCH_KEY]: switchKey, [POLICY_KEY]: 'isolate' },
      },
      { uuidName: 'isolate' },
    ),
    nbOp.mutate(NB.Logical_Router, router, [['policies', 'insert', [namedUuid('isolate')]]]),
  ];
}

/** Ops dropping a switch's isolation policy from its vrf router (none when the router goes anyway). */
export function removeIsolationOps(nb: NbClient, vrf: string, switchKey: string, routerGoes: boolean): Op[] {
  const policy = lookup.routerPolicyOf(nb.cache, switchKey);
  const router = findRouter(nb, vrf);
  if (!policy || !router || routerGoes || !router.policies.includes(policy._uuid)) return [];
  return [nbOp.mutate(NB.Logical_Router, [['_uuid', '==', router._uuid]], [['policies', 'delete', [policy._uuid]]])];
}
