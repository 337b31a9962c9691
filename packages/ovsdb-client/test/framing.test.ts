import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSplitter, OvsdbProtocolError, parseJson, stringifyJson } from '../src';

const MESSAGES = [
  { id: 1, method: 'echo', params: ['héllo wörld', '日本語', '🙂 emoji', 'quote " and \\ backslash', '{[not structure]}'] },
  {
    id: null,
    method: 'update',
    params: ['m', { T: { u: { new: { n: 12345678901234567890n, neg: -9223372036854775808n, r: 1.5e300 } } } }],
  },
  { id: 2, result: [{ rows: [] }, 42, -7, 0.25, true, false, null], error: null },
  { id: 3, result: 'tail \\"', error: null },
];

function allMessages(chunks: Buffer[]): unknown[] {
  const s = new JsonSplitter();
  return chunks.flatMap((c) => s.push(c)).map((b) => parseJson(b.toString('utf8')));
}

describe(JsonSplitter.name, () => {
  const wire = Buffer.from(MESSAGES.map(stringifyJson).join('\n'), 'utf8');

  it('returns each message from one chunk', () => {
    assert.deepEqual(allMessages([wire]), MESSAGES);
  });

  it('handles a split at every byte position (multi-byte UTF-8, escapes, numbers)', () => {
    for (let i = 1; i < wire.length; i++) {
      assert.deepEqual(allMessages([wire.subarray(0, i), wire.subarray(i)]), MESSAGES, `split at ${i}`);
    }
  });

  it('handles one byte per chunk', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i++) chunks.push(wire.subarray(i, i + 1));
    assert.deepEqual(allMessages(chunks), MESSAGES);
  });

  it('is linear: a 20 MB message in 64 KiB chunks splits quickly', () => {
    const big = Buffer.from(stringifyJson({ id: 1, result: 'x'.repeat(20 * 1024 * 1024), error: null }));
    const s = new JsonSplitter();
    const t0 = Date.now();
    let out: Buffer[] = [];
    for (let i = 0; i < big.length; i += 65536) out = out.concat(s.push(big.subarray(i, i + 65536)));
    assert.equal(out.length, 1);
    assert.equal(out[0].length, big.length);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('rejects garbage between messages and unbalanced brackets', () => {
    assert.throws(() => new JsonSplitter().push(Buffer.from('{} x')), OvsdbProtocolError);
    assert.throws(() => new JsonSplitter().push(Buffer.from('}')), OvsdbProtocolError);
  });

  it('enforces the maximum message size', () => {
    assert.throws(() => new JsonSplitter(10).push(Buffer.from('{"a":"0123456789"')), OvsdbProtocolError);
  });
});

describe(parseJson.name, () => {
  it('keeps 64-bit integers exact and small ones as numbers', () => {
    const v = parseJson(
      '[9223372036854775807,-9223372036854775808,9007199254740993,9007199254740991,1e400,"12345678901234567890",0.12345678901234567]',
    ) as unknown[];
    assert.deepEqual(v.slice(0, 3), [9223372036854775807n, -9223372036854775808n, 9007199254740993n]);
    assert.equal(v[3], 9007199254740991);
    assert.equal(v[4], Infinity);
    assert.equal(v[5], '12345678901234567890');
    assert.equal(typeof v[6], 'number');
  });

  it('finds big integers after whitespace and leaves digit runs in strings alone', () => {
    const id = 'ab12345678901234567890cd';
    assert.deepEqual(parseJson(`{"name":"${id}","v": 9223372036854775807,"w":[ -9223372036854775808]}`), {
      name: id,
      v: 9223372036854775807n,
      w: [-9223372036854775808n],
    });
    assert.deepEqual(parseJson('{"s":"x:12345678901234567890","n":1}'), { s: 'x:12345678901234567890', n: 1 });
  });

  it('round-trips bigint through stringifyJson', () => {
    const text = stringifyJson({ a: 18446744073709551615n, b: [1, -5n], s: 'x' });
    assert.equal(text, '{"a":18446744073709551615,"b":[1,-5],"s":"x"}');
    assert.deepEqual(parseJson(text), { a: 18446744073709551615n, b: [1, -5], s: 'x' });
  });
});
