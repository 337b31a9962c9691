import { namedUuid, type Op, type Where } from 'ovsdb-client';
import { randomMac } from '../../domain/mac';
import { OWNER, OWNER_KEY, VRF_KEY, isOwned } from './ownership';
import type { NbClient } from './ovsdb-sessions';
import { nbOp, type NbTables, type RouterRow } from './rows';
import { refuseForeignRow } from './foreign-row';
import { NB } from './tables';

/** The vrf's router: one OVN Logical_Router per vrf routes between its networks. */
export function routerName(vrf: string): string {
  return `docker-vrf-${vrf}`;
}

/** Router port holding a switch's gateway, and the switch's port facing it. */
export function gatewayPortNames(switchName: string): { lrp: string; lsp: string } {
  return { lrp: `${switchName}-gw`, lsp: `${switchName}-to-gw` };
}

export function findRouter(nb: NbClient, vrf: string): RouterRow | undefined {
  for (const r of nb.cache.table(NB.Logical_Router).values()) {
    if (isOwned(r.external_ids) && r.external_ids[VRF_KEY] === vrf) return r;
  }
  return undefined;
}

/**
 * Ops giving a new switch a gateway: the vrf's router (made when absent; the wait makes that atomic),
 * a router port holding the gateway addresses, and the switch-side "router" port, whose named uuid is
 * returned for the switch's `ports`.
 */
export function gatewayOps(
  nb: NbClient,
  vrf: string,
  switchName: string,
  networks: string[],
): { ops: Op[]; switchPort: ReturnType<typeof namedUuid>; router: Where<NbTables[typeof NB.Logical_Router]> } {
  const names = gatewayPortNames(switchName);
  const owner = { [OWNER_KEY]: OWNER };
  const ops: Op[] = [];
  const router = findRouter(nb, vrf);
  let routerWhere: Where<NbTables[typeof NB.Logical_Router]>;
  if (router) {
    routerWhere = [['_uuid', '==', router._uuid]];
    ops.push(nbOp.wait(NB.Logical_Router, routerWhere, ['name'], '==', [{ name: router.name }], 0));
  } else {
    refuseForeignRow(nb, NB.Logical_Router, routerName(vrf));
    ops.push(nbOp.wait(NB.Logical_Router, [['name', '==', routerName(vrf)]], ['name'], '==', [], 0));
    ops.push(nbOp.insert(NB.Logical_Router, { name: routerName(vrf), external_ids: { ...owner, [VRF_KEY]: vrf } }, { uuidName: 'router' }));
    routerWhere = [['_uuid', '==', namedUuid('router')]];
  }
  ops.push(nbOp.insert(NB.Logical_Router_Port, { name: names.lrp, mac: randomMac(), networks, external_ids: owner }, { uuidName: 'lrp' }));
  ops.push(nbOp.mutate(NB.Logical_Router, routerWhere, [['ports', 'insert', [namedUuid('lrp')]]]));
  ops.push(
    nbOp.insert(
      NB.Logical_Switch_Port,
      { name: names.lsp, type: 'router', addresses: ['router'], options: { 'router-port': names.lrp }, external_ids: owner },
      { uuidName: 'lsp_gw' },
    ),
  );
  return { ops, switchPort: namedUuid('lsp_gw'), router: routerWhere };
}

/**
 * Ops removing a switch's router port, and the vrf's router with its last port. They wait on the router's
 * ports as read: no other writer (another host, or this one in parallel) added or removed one since.
 */
export function removeGatewayOps(nb: NbClient, vrf: string, switchName: string): Op[] {
  const router = findRouter(nb, vrf);
  if (!router) return [];
  const { lrp } = gatewayPortNames(switchName);
  const port = [...nb.cache.table(NB.Logical_Router_Port).values()].find((p) => p.name === lrp && router.ports.includes(p._uuid));
  if (!port) return [];
  const where: Where<NbTables[typeof NB.Logical_Router]> = [['_uuid', '==', router._uuid]];
  // Either way on the ports as read: two networks of a vrf removed at once (`docker compose down`) would
  // each take its own port off a router of two, and leave the router with none.
  const asRead = nbOp.wait(NB.Logical_Router, where, ['ports'], '==', [{ ports: router.ports }], 0);
  if (router.ports.length === 1) return [asRead, nbOp.delete(NB.Logical_Router, where)];
  return [asRead, nbOp.mutate(NB.Logical_Router, where, [['ports', 'delete', [port._uuid]]])];
}
