import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyDiff, decodeValue, encodeValue, namedUuid, op, encodeOp, parseSchema, parseColumnType } from '../src';
import { NB_SCHEMA } from './helpers/ovsdb-server';

const U = '01234567-89ab-cdef-0123-456789abcdef';
const V = '11111111-2222-3333-4444-555555555555';

describe('codec', () => {
  it('decodes each column kind', () => {
    assert.equal(decodeValue(parseColumnType('string', 'x'), 'a'), 'a');
    assert.equal(decodeValue(parseColumnType({ key: 'string', min: 0 }, 'x'), ['set', []]), undefined);
    assert.equal(decodeValue(parseColumnType({ key: 'string', min: 0 }, 'x'), 'a'), 'a');
    assert.deepEqual(decodeValue(parseColumnType({ key: 'uuid', min: 0, max: 'unlimited' }, 'x'), ['uuid', U]), [U]);
    assert.deepEqual(
      decodeValue(parseColumnType({ key: 'uuid', min: 0, max: 'unlimited' }, 'x'), [
        'set',
        [
          ['uuid', U],
          ['uuid', V],
        ],
      ]),
      [U, V],
    );
    assert.deepEqual(
      decodeValue(parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' }, 'x'), ['map', [['k', 'v']]]),
      { k: 'v' },
    );
    const m = decodeValue(parseColumnType({ key: 'integer', value: 'string', min: 0, max: 'unlimited' }, 'x'), [
      'map',
      [
        [1, 'a'],
        [9223372036854775807n, 'b'],
      ],
    ]);
    assert.deepEqual(
      m,
      new Map<unknown, unknown>([
        [1, 'a'],
        [9223372036854775807n, 'b'],
      ]),
    );
  });

  it('encodes each column kind, uuids and named uuids', () => {
    const set = parseColumnType({ key: { type: 'uuid', refTable: 'T' }, min: 0, max: 'unlimited' }, 'x');
    assert.deepEqual(encodeValue(set, [U, namedUuid('row1')]), [
      'set',
      [
        ['uuid', U],
        ['named-uuid', 'row1'],
      ],
    ]);
    assert.deepEqual(encodeValue(set, U), ['set', [['uuid', U]]]);
    const opt = parseColumnType({ key: 'integer', min: 0 }, 'x');
    assert.deepEqual(encodeValue(opt, undefined), ['set', []]);
    assert.equal(encodeValue(opt, 5), 5);
    const map = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' }, 'x');
    assert.deepEqual(encodeValue(map, { a: '1' }), ['map', [['a', '1']]]);
    assert.deepEqual(encodeValue(map, new Map([['a', '1']])), ['map', [['a', '1']]]);
    assert.throws(() => encodeValue(parseColumnType('integer', 'x'), 'nope'), TypeError);
    assert.throws(() => encodeValue(parseColumnType('integer', 'x'), 1.5), TypeError);
  });

  it('applies update2 diffs: sets toggle, maps insert/replace/delete, optionals replace', () => {
    const set = parseColumnType({ key: 'string', min: 0, max: 'unlimited' }, 'x');
    assert.deepEqual(applyDiff(set, ['a', 'b'], ['set', ['b', 'c']]), ['a', 'c']);
    const map = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' }, 'x');
    assert.deepEqual(
      applyDiff(map, { a: '1', b: '2', c: '3' }, [
        'map',
        [
          ['a', '1'],
          ['b', '9'],
          ['d', '4'],
        ],
      ]),
      { b: '9', c: '3', d: '4' },
    );
    const opt = parseColumnType({ key: 'string', min: 0 }, 'x');
    assert.equal(applyDiff(opt, 'a', 'b'), 'b');
    assert.equal(applyDiff(opt, 'a', ['set', []]), undefined);
    assert.equal(applyDiff(opt, undefined, 'z'), 'z');
    assert.equal(applyDiff(parseColumnType('integer', 'x'), 1, 2), 2);
  });

  it('encodes ops with the NB schema', () => {
    const schema = parseSchema(JSON.parse(readFileSync(NB_SCHEMA, 'utf8')));
    assert.deepEqual(encodeOp(schema, op.update('Logical_Switch', [['name', '==', 'a']], { other_config: {}, ports: [] })), {
      op: 'update',
      table: 'Logical_Switch',
      where: [['name', '==', 'a']],
      row: { other_config: ['map', []], ports: ['set', []] },
    });
    assert.deepEqual(
      encodeOp(
        schema,
        op.mutate(
          'Logical_Switch',
          [['_uuid', '==', U]],
          [
            ['external_ids', 'delete', ['k']],
            ['ports', 'insert', namedUuid('p')],
          ],
        ),
      ),
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['_uuid', '==', ['uuid', U]]],
        mutations: [
          ['external_ids', 'delete', ['set', ['k']]],
          ['ports', 'insert', ['set', [['named-uuid', 'p']]]],
        ],
      },
    );
    assert.throws(() => encodeOp(schema, op.insert('Nope', {})), /Nope/);
    assert.throws(() => encodeOp(schema, op.insert('Logical_Switch', { nope: 1 })), /nope/);
  });
});
