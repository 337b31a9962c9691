import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { columnTsType, generateModels, rowTypeName, parseColumnType } from '../src';
import { BUNDLED_MODELS, REGENERATE_COMMAND, bundledModel } from '../src/modelgen-bundled';

const PACKAGE_ROOT = join(__dirname, '..', '..');
const OPTIONS = { source: 'small.ovsschema', command: 'regen' };

const small = {
  name: 'Small',
  version: '1.2.3',
  tables: {
    Thing_One: {
      isRoot: true,
      columns: {
        name: { type: 'string' },
        count: { type: { key: { type: 'integer', minInteger: 0 } } },
        kind: { type: { key: { type: 'string', enum: ['set', ['a', 'b']] } } },
        note: { type: { key: 'string', min: 0, max: 1 } },
        tags: { type: { key: 'string', min: 0, max: 'unlimited' } },
        others: { type: { key: { type: 'uuid', refTable: 'other', refType: 'weak' }, min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        'odd-name': { type: 'boolean', mutable: false },
      },
    },
    other: { columns: { ratio: { type: 'real' }, by_port: { type: { key: 'integer', value: 'uuid', min: 0, max: 'unlimited' } } } },
  },
};

describe('modelgen', () => {
  it('types each column the way the codec decodes it', () => {
    const out = generateModels(small, OPTIONS);
    for (const line of [
      'export type ThingOne = {',
      '  _uuid: string;',
      '  _version?: string;',
      '  name: string;',
      '  count: number;',
      "  kind: 'a' | 'b';",
      '  note: string | undefined;',
      '  tags: string[];',
      '  /** → other (weak) */',
      '  others: string[];',
      '  options: Record<string, string>;',
      "  'odd-name': boolean;",
      '  ratio: number;',
      '  by_port: Map<number, string>;',
    ]) {
      assert.ok(out.split('\n').includes(line), `missing line: ${line}\n${out}`);
    }
  });

  it('declares the schema version, the table-name union and the table map', () => {
    const out = generateModels(small, OPTIONS);
    assert.match(
      out,
      /^\/\/ Models of the OVSDB schema Small 1\.2\.3, generated from small\.ovsschema\.\n\/\/ Do not edit: regenerate with `regen`\./,
    );
    assert.match(out, /export const SCHEMA_VERSION = '1\.2\.3';/);
    assert.match(out, /export const TABLE_NAMES = \['Thing_One', 'other'\] as const;/);
    assert.match(out, /export const Tables = \{\n {2}Thing_One: 'Thing_One',\n {2}other: 'other',\n\} as const;/);
    assert.match(out, /export type TableMap = \{\n {2}Thing_One: ThingOne;\n {2}other: Other;\n\};/);
  });

  it('maps enumerated sets, optional enums and enum-keyed maps', () => {
    const t = (json: unknown): string => columnTsType(parseColumnType(json, 'x'));
    assert.equal(t({ key: { type: 'string', enum: ['set', ['x', 'y']] }, min: 0, max: 'unlimited' }), "('x' | 'y')[]");
    assert.equal(t({ key: { type: 'string', enum: ['set', ['x', 'y']] }, min: 0, max: 1 }), "'x' | 'y' | undefined");
    assert.equal(
      t({ key: { type: 'string', enum: ['set', ['rate', 'burst']] }, value: 'integer', min: 0, max: 'unlimited' }),
      "Partial<Record<'rate' | 'burst', number>>",
    );
    assert.equal(t({ key: { type: 'integer', enum: ['set', [1, 2]] } }), '1 | 2');
  });

  it('names row types in PascalCase and refuses names that collide', () => {
    assert.equal(rowTypeName('Logical_Switch_Port'), 'LogicalSwitchPort');
    assert.equal(rowTypeName('ACL'), 'ACL');
    assert.equal(rowTypeName('sFlow'), 'SFlow');
    const clash = {
      name: 'C',
      version: '1',
      tables: { A_B: { columns: { x: { type: 'string' } } }, AB: { columns: { x: { type: 'string' } } } },
    };
    assert.throws(() => generateModels(clash, OPTIONS), /type name AB is already taken/);
    const reserved = { name: 'C', version: '1', tables: { Table_Map: { columns: { x: { type: 'string' } } } } };
    assert.throws(() => generateModels(reserved, OPTIONS), /TableMap is already taken/);
  });

  it('rejects what is not a schema', () => {
    assert.throws(() => generateModels({ tables: {} }, OPTIONS), /not an OVSDB schema/);
  });

  for (const entry of BUNDLED_MODELS) {
    it(`${entry.out} is what ${entry.schema} generates (run \`${REGENERATE_COMMAND}\` if not)`, () => {
      assert.equal(readFileSync(join(PACKAGE_ROOT, entry.out), 'utf8'), bundledModel(PACKAGE_ROOT, entry));
    });
  }
});
