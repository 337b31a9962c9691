import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nbOp, ovsOp, type SwitchRow } from './rows';

/**
 * The models make a wrong table or column name in the driver a build error, not a run-time surprise: each
 * `@ts-expect-error` below fails `tsc` if the line after it ever compiles.
 */
test('the typed op builders reject unknown tables, columns and value shapes at compile time', () => {
  const where = [['_uuid', '==', '00000000-0000-0000-0000-000000000000']] as const;
  // @ts-expect-error: Logical_Switch has no column "nmae"
  nbOp.update('Logical_Switch', where, { nmae: 'ls0' });
  // @ts-expect-error: no table "Logical_Swtich" in OVN_Northbound
  nbOp.insert('Logical_Swtich', { name: 'ls0' });
  // @ts-expect-error: Interface is an Open_vSwitch table, not a Northbound one
  nbOp.delete('Interface', where);
  // @ts-expect-error: ofport is an integer column
  ovsOp.update('Interface', where, { ofport: 'one' });
  // @ts-expect-error: Logical_Switch_Port.peer is in OVN 25.03's NB schema only; the driver also runs on 23.03
  nbOp.update('Logical_Switch_Port', where, { peer: 'lrp0' });
  const ok = nbOp.update('Logical_Switch', where, { name: 'ls0' });
  assert.equal(ok.op, 'update');
  assert.equal(ok.table, 'Logical_Switch');
});

test('the row aliases expose only the monitored columns', () => {
  const sw: SwitchRow = { _uuid: 'u', name: 'ls0', ports: [], external_ids: {} };
  // @ts-expect-error: other_config is not in SwitchRow
  void sw.other_config;
  assert.equal(sw.name, 'ls0');
});
