import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OvnNorthbound, OvsdbClient, namedUuid, op, opsFor, withRetry } from '../src';
import { OvsdbServer, cleanup, startStandalone } from './helpers/ovsdb-server';

type Nb = OvnNorthbound.TableMap;
const nbOp = opsFor<Nb>();

/**
 * Compile-time checks: each `@ts-expect-error` line must fail to type-check, so a model that stopped
 * catching a wrong table or column name fails the build (tsc reports an unused directive).
 */
export function compileTimeChecks(client: OvsdbClient<Nb>): void {
  // @ts-expect-error -- no such table
  client.cache.table('Logical_Swich');
  // @ts-expect-error -- no such column in a condition
  nbOp.delete('Logical_Switch', [['nmae', '==', 'x']]);
  // @ts-expect-error -- no such column in a row
  nbOp.insert('Logical_Switch', { nmae: 'x' });
  // @ts-expect-error -- a column of another table
  nbOp.update('Logical_Switch', [], { addresses: ['x'] });
  // @ts-expect-error -- wrong value type (name is a string)
  nbOp.insert('Logical_Switch', { name: 5 });
  // @ts-expect-error -- not one of the enum's values
  nbOp.insert('ACL', { action: 'permit' });
  // @ts-expect-error -- no such column to mutate
  client.op.mutate('Logical_Switch', [], [['port', 'insert', 'x']]);
  // @ts-expect-error -- no such column to wait on
  nbOp.wait('Logical_Switch', [], ['nmae'], '==', []);
  // @ts-expect-error -- only the model's columns can be monitored
  new OvsdbClient<Nb>({ remotes: 'unix:x', database: 'OVN_Northbound', tables: { Logical_Switch: ['nmae'] } });
  const sw = client.cache.lookup('Logical_Switch', 'by-name', 'x')[0];
  // @ts-expect-error -- rows have the model's columns only
  void sw?.addresses;
  const name: string = sw!.name;
  const ports: string[] = sw!.ports;
  const acl = client.cache.rows('ACL')[0];
  const action: 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject' = acl!.action;
  const severity: string | undefined = acl!.severity;
  void [name, ports, action, severity];
  // A typed client is still an OvsdbClient for code written without models.
  const loose: OvsdbClient = client;
  void loose.cache.table('Anything');
  // Untyped use keeps working: any table, any column.
  op.insert('Whatever', { anything: 1 });
  new OvsdbClient({ remotes: 'unix:x', database: 'Any' }).cache.table('Whatever');
}

describe('typed models', () => {
  let server: OvsdbServer;
  let client: OvsdbClient<Nb>;
  before(async () => {
    server = await startStandalone();
    client = new OvsdbClient<Nb>({
      remotes: server.remote,
      database: 'OVN_Northbound',
      tables: { Logical_Switch: true, Logical_Switch_Port: ['name', 'addresses', 'tag', 'up', 'external_ids'] },
    }).start();
    // Logical_Switch.name is not a schema index; the index function gets typed rows.
    client.cache.addIndex('Logical_Switch', 'by-name', (row) => row.name);
    await client.ready({ timeoutMs: 5000 });
  });
  after(async () => {
    await client?.close();
    await cleanup(server);
  });

  it('the server runs the schema the bundled models came from', () => {
    assert.equal(client.schema?.name, OvnNorthbound.SCHEMA_NAME);
    assert.equal(client.schema?.version, OvnNorthbound.SCHEMA_VERSION);
  });

  it('typed ops run, and typed rows hold what the model says', async () => {
    const [ls] = await client.transact([
      client.op.insert('Logical_Switch', { name: 'typed', ports: [namedUuid('p')], other_config: { subnet: '10.0.0.0/24' } }),
      client.op.insert('Logical_Switch_Port', { name: 'typed-p', addresses: ['02:00:00:00:00:01 10.0.0.2'], tag: 7 }, { uuidName: 'p' }),
    ]);
    const sw = client.cache.get('Logical_Switch', ls.uuid)!;
    assert.equal(sw.name, 'typed');
    assert.equal(sw.other_config.subnet, '10.0.0.0/24');
    const [port] = client.cache.lookup('Logical_Switch_Port', 'name', 'typed-p');
    assert.deepEqual(port?.addresses, ['02:00:00:00:00:01 10.0.0.2']);
    assert.equal(port?.tag, 7);
    assert.equal(port?.up, undefined);
    const [sel] = await client.transact([client.op.select('Logical_Switch_Port', [['name', '==', 'typed-p']], ['name', 'tag'])]);
    assert.deepEqual(sel.rows, [{ _uuid: '', name: 'typed-p', tag: 7 }]);
  });

  it('withRetry builds from the typed cache', async () => {
    const result = await withRetry(client, (cache) => {
      const [sw] = cache.lookup('Logical_Switch', 'by-name', 'typed');
      if (!sw || sw.other_config.done === 'yes') return null;
      return [
        client.op.verify('Logical_Switch', sw, ['other_config']),
        client.op.mutate('Logical_Switch', [['_uuid', '==', sw._uuid]], [['other_config', 'insert', { done: 'yes' }]]),
      ];
    });
    assert.equal(result?.[1].count, 1);
    assert.equal(
      await withRetry(client, (cache) => (cache.lookup('Logical_Switch', 'by-name', 'typed')[0]?.other_config.done === 'yes' ? null : [])),
      null,
    );
  });
});
