import { namedUuid, op, Op, OvsdbClient, Where } from 'ovsdb-client';
import { randomMac } from '../endpoint/mac';
import { OWNER, OWNER_KEY, VRF_KEY, isOwned } from './ownership';
import type { RouterRow } from './rows';

const LR = 'Logical_Router';
const LRP = 'Logical_Router_Port';

/** The vrf's router: one OVN Logical_Router per vrf routes between its networks. */
export function routerName(vrf: string): string {
  return `docker-vrf-${vrf}`;
}

/** Router port holding a switch's gateway, and the switch's port facing it. */
export function gatewayPortNames(switchName: string): { lrp: string; lsp: string } {
  return { lrp: `${switchName}-gw`, lsp: `${switchName}-to-gw` };
}

export function findRouter(nb: OvsdbClient, vrf: string): RouterRow | undefined {
  for (const r of nb.cache.table(LR).values() as Iterable<RouterRow>) {
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
  nb: OvsdbClient,
  vrf: string,
  switchName: string,
  networks: string[],
): { ops: Op[]; switchPort: ReturnType<typeof namedUuid> } {
  const names = gatewayPortNames(switchName);
  const owner = { [OWNER_KEY]: OWNER };
  const ops: Op[] = [];
  const router = findRouter(nb, vrf);
  let routerWhere: Where;
  if (router) {
    routerWhere = [['_uuid', '==', router._uuid]];
    ops.push(op.wait(LR, routerWhere, ['name'], '==', [{ name: router.name }], 0));
  } else {
    ops.push(op.wait(LR, [['name', '==', routerName(vrf)]], ['name'], '==', [], 0));
    ops.push(op.insert(LR, { name: routerName(vrf), external_ids: { ...owner, [VRF_KEY]: vrf } }, { uuidName: 'router' }));
    routerWhere = [['_uuid', '==', namedUuid('router')]];
  }
  ops.push(op.insert(LRP, { name: names.lrp, mac: randomMac(), networks, external_ids: owner }, { uuidName: 'lrp' }));
  ops.push(op.mutate(LR, routerWhere, [['ports', 'insert', [namedUuid('lrp')]]]));
  ops.push(
    op.insert(
      'Logical_Switch_Port',
      { name: names.lsp, type: 'router', addresses: ['router'], options: { 'router-port': names.lrp }, external_ids: owner },
      { uuidName: 'lsp_gw' },
    ),
  );
  return { ops, switchPort: namedUuid('lsp_gw') };
}

/**
 * Ops removing a switch's router port, and the vrf's router with its last port (the wait makes sure no
 * other host added a port since it was read).
 */
export function removeGatewayOps(nb: OvsdbClient, vrf: string, switchName: string): Op[] {
  const router = findRouter(nb, vrf);
  if (!router) return [];
  const { lrp } = gatewayPortNames(switchName);
  const port = [...nb.cache.table(LRP).values()].find((p) => p.name === lrp && router.ports.includes(p._uuid));
  if (!port) return [];
  const where: Where = [['_uuid', '==', router._uuid]];
  if (router.ports.length === 1) {
    return [op.wait(LR, where, ['ports'], '==', [{ ports: router.ports }], 0), op.delete(LR, where)];
  }
  return [op.mutate(LR, where, [['ports', 'delete', [port._uuid]]])];
}
