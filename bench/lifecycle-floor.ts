/**
 * The floor of B1's lifecycle: the OVSDB transactions and rtnetlink requests the driver's four verbs make,
 * issued alone from one process with the same order and parallelism — no HTTP, no Nest, no validation, no
 * logging. CreateEndpoint: the NB port ∥ (veth pair, then its OVS port ∥ on a userspace-datapath bridge the
 * peer's checksum offload off, as the driver does there); Join: the sandbox on the Interface;
 * Leave: the OVS port's removal ∥ retiring the veth; DeleteEndpoint: the NB port's removal. What the driver
 * takes above this is its own path and the four HTTP round trips.
 */
import { namedUuid, OvsdbClient, type OpenVSwitch, type OvnNorthbound } from 'ovsdb-client';
import { NetlinkLinkOps } from '../src/modules/host/netlink-link-ops';
import { nbOp, ovsOp } from '../src/modules/ovn/rows';
import type { Stack } from '../test/harness/stack';
import { dockerId, now } from './lib';

export const FLOOR_STEPS = ['nbInsert', 'veth', 'txChecksum', 'ovsInsert', 'ovsSandbox', 'ovsDelete', 'retire', 'nbDelete'] as const;
export type FloorStep = (typeof FLOOR_STEPS)[number];

export class LifecycleFloor {
  readonly total: number[] = [];
  readonly steps: Record<FloorStep, number[]> = {
    nbInsert: [],
    veth: [],
    txChecksum: [],
    ovsInsert: [],
    ovsSandbox: [],
    ovsDelete: [],
    retire: [],
    nbDelete: [],
  };
  private readonly links = new NetlinkLinkOps();
  private readonly switchName = `bench-floor-${dockerId().slice(0, 8)}`;
  private switchUuid = '';
  private bridgeUuid = '';
  /** The bridge is on OVS's userspace datapath: the driver turns the peer's TX checksum offload off. */
  private netdev = false;
  private next = 2;

  private constructor(
    private readonly stack: Stack,
    private readonly nb: OvsdbClient<OvnNorthbound.TableMap>,
    private readonly ovs: OvsdbClient<OpenVSwitch.TableMap>,
  ) {}

  /** Forgets the samples so far (warm-up rounds). */
  reset(): void {
    this.total.length = 0;
    for (const k of FLOOR_STEPS) this.steps[k].length = 0;
  }

  static async open(stack: Stack): Promise<LifecycleFloor> {
    // The driver monitors these columns too: their updates are part of each transaction's cost.
    const nb = new OvsdbClient<OvnNorthbound.TableMap>({
      remotes: stack.nbRemote,
      database: 'OVN_Northbound',
      tables: {
        Logical_Switch: ['name', 'ports', 'external_ids'],
        Logical_Switch_Port: ['name', 'addresses', 'port_security', 'external_ids', 'up'],
      },
    }).start();
    const ovs = new OvsdbClient<OpenVSwitch.TableMap>({
      remotes: stack.ovsRemote,
      database: 'Open_vSwitch',
      tables: {
        Bridge: ['name', 'ports', 'datapath_type'],
        Port: ['name', 'interfaces', 'external_ids'],
        Interface: ['name', 'external_ids', 'ofport'],
      },
    }).start();
    await Promise.all([nb.ready({ timeoutMs: 20_000 }), ovs.ready({ timeoutMs: 20_000 })]);
    const floor = new LifecycleFloor(stack, nb, ovs);
    const [sw] = await nb.transact([nbOp.insert('Logical_Switch', { name: floor.switchName })]);
    floor.switchUuid = (sw as { uuid: string }).uuid;
    const bridge = [...ovs.cache.table('Bridge').values()].find((b) => b.name === stack.bridge);
    if (!bridge) throw new Error(`bridge ${stack.bridge} not in the local OVS DB`);
    floor.bridgeUuid = bridge._uuid;
    floor.netdev = bridge.datapath_type === 'netdev';
    return floor;
  }

  async close(): Promise<void> {
    await this.nb.transact([nbOp.delete('Logical_Switch', [['_uuid', '==', this.switchUuid]])]).catch(() => undefined);
    await this.links.onApplicationShutdown();
    await Promise.all([this.nb.close(), this.ovs.close()]);
  }

  /** One lifecycle; its total and each step's time are added to the samples. */
  async lifecycle(): Promise<void> {
    const n = this.next++;
    const id = dockerId();
    const host = `ovf${id.slice(0, 12)}`;
    const mac = `0a:58:0a:4e:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
    const addresses = `${mac} 10.78.${n >> 8}.${n & 0xff}`;
    const timed = async <T>(step: FloorStep, f: () => Promise<T>): Promise<T> => {
      const t = now();
      const r = await f();
      this.steps[step].push(now() - t);
      return r;
    };
    const t0 = now();
    const sw = this.nb.cache.table('Logical_Switch').get(this.switchUuid);
    const [nbResults, ovsResults] = await Promise.all([
      timed('nbInsert', () =>
        this.nb.transact([
          nbOp.wait('Logical_Switch', [['_uuid', '==', this.switchUuid]], ['ports'], '==', [{ ports: sw?.ports ?? [] }], 0),
          nbOp.insert(
            'Logical_Switch_Port',
            { name: id, addresses: [addresses], port_security: [addresses], external_ids: { 'bench:floor': 'true' } },
            { uuidName: 'lsp' },
          ),
          nbOp.mutate('Logical_Switch', [['_uuid', '==', this.switchUuid]], [['ports', 'insert', [namedUuid('lsp')]]]),
        ]),
      ),
      (async () => {
        await timed('veth', () => this.links.createVethPair(host, `ovg${id.slice(0, 12)}`, { mtu: 1500, peerMac: mac }));
        const checksum = this.netdev ? timed('txChecksum', () => this.links.disableTxChecksum(`ovg${id.slice(0, 12)}`)) : undefined;
        const [, inserted] = await Promise.all([
          checksum,
          timed('ovsInsert', () =>
            this.ovs.transact([
              ovsOp.insert(
                'Interface',
                { name: host, external_ids: { 'iface-id': id, 'attached-mac': mac, 'bench:floor': 'true' } },
                { uuidName: 'iface' },
              ),
              ovsOp.insert('Port', { name: host, interfaces: [namedUuid('iface')] }, { uuidName: 'port' }),
              ovsOp.mutate('Bridge', [['_uuid', '==', this.bridgeUuid]], [['ports', 'insert', [namedUuid('port')]]]),
            ]),
          ),
        ]);
        return inserted;
      })(),
    ]);
    const lsp = (nbResults[1] as { uuid: string }).uuid;
    const iface = (ovsResults[0] as { uuid: string }).uuid;
    const port = (ovsResults[1] as { uuid: string }).uuid;
    await timed('ovsSandbox', () =>
      this.ovs.transact([
        ovsOp.mutate(
          'Interface',
          [['_uuid', '==', iface]],
          [
            ['external_ids', 'delete', ['vm-id']],
            ['external_ids', 'insert', { 'vm-id': `floor${n}` }],
          ],
        ),
      ]),
    );
    await Promise.all([
      timed('ovsDelete', () =>
        this.ovs.transact([
          ovsOp.mutate('Bridge', [['_uuid', '==', this.bridgeUuid]], [['ports', 'delete', [port]]]),
          ovsOp.delete('Port', [['_uuid', '==', port]]),
          ovsOp.delete('Interface', [['_uuid', '==', iface]]),
        ]),
      ),
      timed('retire', () => this.links.retireLink(host)),
    ]);
    await timed('nbDelete', () =>
      this.nb.transact([
        nbOp.mutate('Logical_Switch', [['_uuid', '==', this.switchUuid]], [['ports', 'delete', [lsp]]]),
        nbOp.delete('Logical_Switch_Port', [['_uuid', '==', lsp]]),
      ]),
    );
    this.total.push(now() - t0);
  }
}
