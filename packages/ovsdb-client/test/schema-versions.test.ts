import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  CommonTables,
  OvnNorthbound,
  OvnNorthbound2503,
  OvsdbClient,
  OvsdbSchemaMismatchError,
  chooseModel,
  modelFits,
  opsFor,
} from '../src';
import { OvsdbServer, cleanup, startStandalone } from './helpers/ovsdb-server';

/** What runs on OVN 23.03 (NB schema 7.0.0) and 25.03 (7.11.0) alike. */
type Nb = CommonTables<OvnNorthbound.TableMap, OvnNorthbound2503.TableMap>;
const NB_2503_SCHEMA = join(__dirname, '..', '..', 'schemas', 'ovn-nb-25.03.ovsschema');

/** Compile-time checks (tsc fails on an unused `@ts-expect-error`). */
export function compileTimeChecks(client: OvsdbClient<Nb>): void {
  const nbOp = opsFor<Nb>();
  // @ts-expect-error -- Logical_Switch_Port.peer exists in 25.03 only
  nbOp.insert('Logical_Switch_Port', { name: 'p', peer: 'x' });
  // @ts-expect-error -- a table of 25.03 only
  client.cache.table('Sample');
  // Columns of both versions are typed; an enum reads as either version's literals.
  const acl = client.cache.rows('ACL')[0]!;
  const action: OvnNorthbound.ACL['action'] | 'pass' = acl.action;
  const networks: string[] = client.cache.rows('Logical_Router_Port')[0]!.networks;
  void [action, networks];
  // The generated models themselves differ where the schemas do.
  const newer: OvnNorthbound2503.LogicalSwitchPort['peer'] = undefined;
  void newer;
}

describe('models chosen by schema version', () => {
  it('picks the 25.03 models for a 7.11 server and the 23.03 ones for a 7.0 server', () => {
    assert.equal(OvnNorthbound.SCHEMA_VERSION, '7.0.0');
    assert.equal(OvnNorthbound2503.SCHEMA_VERSION, '7.11.0');
    const models = [OvnNorthbound, OvnNorthbound2503];
    assert.equal(chooseModel({ name: 'OVN_Northbound', version: '7.11.0' }, models), OvnNorthbound2503);
    assert.equal(chooseModel({ name: 'OVN_Northbound', version: '7.0.0' }, models), OvnNorthbound);
    assert.equal(modelFits('7.0.0', OvnNorthbound2503.SCHEMA_VERSION), false);
  });
});

for (const [label, schema] of [
  ['23.03', undefined],
  ['25.03', NB_2503_SCHEMA],
] as const) {
  describe(`a client typed for both NB versions, on an OVN ${label} server`, () => {
    let server: OvsdbServer;
    let client: OvsdbClient<Nb>;
    before(async () => {
      server = await startStandalone(schema);
      client = new OvsdbClient<Nb>({
        remotes: server.remote,
        database: 'OVN_Northbound',
        tables: { Logical_Switch: ['name', 'ports'], Logical_Router_Port: ['name', 'networks'] },
      }).start();
      await client.ready({ timeoutMs: 5000 });
    });
    after(async () => {
      await client?.close();
      await cleanup(server);
    });

    it('connects, writes and reads the common columns', async () => {
      assert.equal(client.schema?.version, label === '23.03' ? '7.0.0' : '7.11.0');
      const [ls] = await client.transact([client.op.insert('Logical_Switch', { name: `common-${label}` })]);
      assert.equal(client.cache.get('Logical_Switch', ls.uuid)?.name, `common-${label}`);
    });
  });
}

describe('a server whose schema lacks monitored columns', () => {
  let server: OvsdbServer;
  let client: OvsdbClient<OvnNorthbound2503.TableMap> | undefined;
  before(async () => {
    server = await startStandalone();
  });
  after(async () => {
    await client?.close();
    await cleanup(server);
  });

  it('emits incompatible with every missing column, and never becomes ready', async () => {
    client = new OvsdbClient<OvnNorthbound2503.TableMap>({
      remotes: server.remote,
      database: 'OVN_Northbound',
      tables: { Logical_Switch: ['name'], Logical_Switch_Port: ['name', 'peer'], Sample: ['metadata'] },
      reconnectMinMs: 50,
      reconnectMaxMs: 100,
    });
    const err = await new Promise<OvsdbSchemaMismatchError>((resolve) => client!.once('incompatible', resolve).start());
    assert.ok(err instanceof OvsdbSchemaMismatchError);
    assert.deepEqual(err.missing, ['Logical_Switch_Port.peer', 'Sample']);
    assert.equal(err.message, 'OVN_Northbound schema 7.0.0 lacks Logical_Switch_Port.peer, Sample');
    await new Promise<void>((resolve) => client!.once('incompatible', () => resolve()));
    assert.notEqual(client.state, 'ready');
  });
});
