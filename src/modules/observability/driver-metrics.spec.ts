import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { OWNER, OWNER_KEY } from '../ovn/ownership';
import { DriverMetrics } from './driver-metrics';

class FakeSession extends EventEmitter {
  state = 'connecting';
  readonly tables = new Map<string, Map<string, { external_ids: Record<string, string> }>>();
  readonly cache = {
    tableNames: [] as string[],
    table: (name: string) => this.tables.get(name) ?? new Map(),
  };

  load(rows: Record<string, { external_ids: Record<string, string> }[]>): void {
    for (const [table, list] of Object.entries(rows)) this.tables.set(table, new Map(list.map((r, i) => [String(i), r])));
    this.cache.tableNames = [...this.tables.keys()];
  }

  go(state: string): void {
    const previous = this.state;
    this.state = state;
    this.emit('state', state, previous);
  }
}

/** The value of one sample line of the exposition, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const owned = { external_ids: { [OWNER_KEY]: OWNER } };
const foreign = { external_ids: { 'neutron:x': '1' } };

describe(DriverMetrics.name, () => {
  it('times every plugin verb by Subsystem.Verb and counts errors by verb and status', async () => {
    const m = new DriverMetrics();
    m.observeVerb('POST', '/NetworkDriver.GetCapabilities', 200, 0.002);
    m.observeVerb('POST', '/IpamDriver.GetCapabilities', 200, 0.003);
    m.observeVerb('POST', '/NetworkDriver.Join?x=1', 500, 0.2);
    m.observeVerb('POST', '/NetworkDriver.Join', 400, 0.001);
    m.observeVerb('POST', '/NetworkDriver.Join', 200, 0.004);
    const text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_verb_duration_seconds_count{verb="NetworkDriver.GetCapabilities"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_verb_duration_seconds_count{verb="IpamDriver.GetCapabilities"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_verb_duration_seconds_count{verb="NetworkDriver.Join"}'), 3);
    assert.equal(sample(text, 'docker_ovn_driver_verb_duration_seconds_bucket{le="0.005",verb="NetworkDriver.Join"}'), 2);
    assert.equal(sample(text, 'docker_ovn_driver_verb_errors_total{verb="NetworkDriver.Join",status="500"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_verb_errors_total{verb="NetworkDriver.Join",status="400"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_verb_errors_total{verb="NetworkDriver.GetCapabilities",status="200"}'), undefined);
  });

  it('keeps labels bounded: unknown verbs are "other"; other paths and methods are not counted', async () => {
    const m = new DriverMetrics();
    m.observeVerb('POST', '/NetworkDriver.SomethingNew', 404, 0.001);
    m.observeVerb('POST', '/IpamDriver.AlsoNew', 404, 0.001);
    m.observeVerb('POST', '/metrics', 200, 0.001);
    m.observeVerb('POST', '/healthz', 200, 0.001);
    m.observeVerb('GET', '/NetworkDriver.Join', 404, 0.001);
    const text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_verb_duration_seconds_count{verb="other"}'), 2);
    assert.equal(sample(text, 'docker_ovn_driver_verb_errors_total{verb="other",status="404"}'), 2);
    assert.doesNotMatch(text, /verb="(metrics|\/metrics|healthz)"/);
    assert.equal(sample(text, 'docker_ovn_driver_verb_duration_seconds_count{verb="NetworkDriver.Join"}'), undefined, 'dockerd only POSTs');
  });

  it('reports OVSDB connection state per db and counts lost sessions', async () => {
    const m = new DriverMetrics();
    const ovs = new FakeSession();
    m.watchSession('ovs', ovs);
    let text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="ovs"}'), 0);
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="nb"}'), 0, 'NB not known yet is 0, not absent');
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_reconnects_total{db="nb"}'), 0);

    const nb = new FakeSession();
    m.watchSession('nb', nb);
    ovs.go('ready');
    nb.go('ready');
    text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="ovs"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="nb"}'), 1);

    nb.go('reconnecting');
    text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="nb"}'), 0);
    nb.go('ready');
    nb.go('reconnecting');
    nb.go('ready');
    text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_reconnects_total{db="nb"}'), 2);
    assert.equal(sample(text, 'docker_ovn_driver_ovsdb_reconnects_total{db="ovs"}'), 0);
  });

  it('counts the NB rows the driver owns when scraped, and none before NB was synced', async () => {
    const m = new DriverMetrics();
    const nb = new FakeSession();
    m.watchNb(nb);
    assert.doesNotMatch(await m.text(), /^docker_ovn_driver_owned_objects\{/m);
    nb.load({
      Logical_Switch: [owned, owned, foreign],
      Logical_Switch_Port: [owned, owned, owned, { external_ids: {} }],
      Logical_Router: [foreign],
    });
    let text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_owned_objects{kind="switch"}'), 2);
    assert.equal(sample(text, 'docker_ovn_driver_owned_objects{kind="port"}'), 3);
    assert.equal(sample(text, 'docker_ovn_driver_owned_objects{kind="router"}'), 0);
    nb.load({ Logical_Switch: [], Logical_Switch_Port: [], Logical_Router: [owned] });
    text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_owned_objects{kind="switch"}'), 0);
    assert.equal(sample(text, 'docker_ovn_driver_owned_objects{kind="router"}'), 1);
  });

  it('counts the policy rows the driver owns: port groups, ACLs, meters, router policies', async () => {
    const m = new DriverMetrics();
    const nb = new FakeSession();
    m.watchNb(nb);
    assert.doesNotMatch(await m.text(), /^docker_ovn_driver_policy_objects\{/m);
    nb.load({ Port_Group: [owned, foreign], ACL: [owned, owned, owned, foreign], Meter: [owned], Logical_Router_Policy: [owned, owned] });
    const text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_policy_objects{kind="port_group"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_policy_objects{kind="acl"}'), 3);
    assert.equal(sample(text, 'docker_ovn_driver_policy_objects{kind="meter"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_policy_objects{kind="router_policy"}'), 2);
  });

  it('counts reconciler removals by kind, starting at zero', async () => {
    const m = new DriverMetrics();
    assert.equal(sample(await m.text(), 'docker_ovn_driver_reconciler_removed_total{kind="veth"}'), 0);
    m.reconcilerRemoved('veth', 2);
    m.reconcilerRemoved('logical_port');
    m.reconcilerRemoved('ovs_port', 0);
    const text = await m.text();
    assert.equal(sample(text, 'docker_ovn_driver_reconciler_removed_total{kind="veth"}'), 2);
    assert.equal(sample(text, 'docker_ovn_driver_reconciler_removed_total{kind="logical_port"}'), 1);
    assert.equal(sample(text, 'docker_ovn_driver_reconciler_removed_total{kind="ovs_port"}'), 0);
  });

  it('serves the Prometheus text format with process metrics, one registry per instance', async () => {
    const a = new DriverMetrics();
    const b = new DriverMetrics();
    a.observeVerb('POST', '/Plugin.Activate', 200, 0.001);
    assert.match(a.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(await a.text(), /^process_cpu_seconds_total /m);
    assert.equal(sample(await a.text(), 'docker_ovn_driver_verb_duration_seconds_count{verb="Plugin.Activate"}'), 1);
    assert.equal(sample(await b.text(), 'docker_ovn_driver_verb_duration_seconds_count{verb="Plugin.Activate"}'), undefined);
  });
});
