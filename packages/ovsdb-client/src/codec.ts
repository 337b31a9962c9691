import { BaseType, ColumnType, TableSchema, columnOf } from './schema';

/**
 * Schema-aware conversion between OVSDB wire values (RFC 7047 §5.1) and JS values:
 * uuid → string; integer → number, or bigint beyond 2^53; set column → array; optional column (min 0,
 * max 1) → value or `undefined`; map column → plain object for string keys, `Map` otherwise.
 */

/** A row as the cache and `select` return it. `_uuid` is always present. */
export interface Row {
  _uuid: string;
  _version?: string;
  [column: string]: unknown;
}

/** Wire row: column name → wire value. */
export type WireRow = Record<string, unknown>;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True when `s` is a textual UUID (RFC 7047 §3.1 <uuid>). */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s);
}

/** A reference to a row inserted earlier in the same transaction by its `uuid-name` (RFC 7047 §5.1). */
export class NamedUuid {
  constructor(readonly name: string) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new TypeError(`invalid uuid-name "${name}"`);
  }
  toJSON(): [string, string] {
    return ['named-uuid', this.name];
  }
}

/** `namedUuid('x')` encodes as `["named-uuid","x"]` in any uuid-typed position. */
export function namedUuid(name: string): NamedUuid {
  return new NamedUuid(name);
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

// ---------- decoding ----------

export function decodeAtom(base: BaseType, wire: unknown): unknown {
  switch (base.type) {
    case 'uuid':
      if (Array.isArray(wire) && (wire[0] === 'uuid' || wire[0] === 'named-uuid')) return wire[1];
      throw new TypeError(`expected ["uuid", …], got ${JSON.stringify(wire)}`);
    case 'integer':
      if (typeof wire === 'number' || typeof wire === 'bigint') return wire;
      throw new TypeError(`expected integer, got ${typeof wire}`);
    case 'real':
      if (typeof wire === 'bigint') return Number(wire);
      if (typeof wire === 'number') return wire;
      throw new TypeError(`expected real, got ${typeof wire}`);
    case 'boolean':
      if (typeof wire === 'boolean') return wire;
      throw new TypeError(`expected boolean, got ${typeof wire}`);
    case 'string':
      if (typeof wire === 'string') return wire;
      throw new TypeError(`expected string, got ${typeof wire}`);
  }
}

/** The elements of a wire <set> (a bare atom is a one-element set, RFC 7047 §5.1). */
function wireSetElements(wire: unknown): unknown[] {
  if (Array.isArray(wire) && wire[0] === 'set') return wire[1] as unknown[];
  return [wire];
}

function wireMapPairs(wire: unknown): [unknown, unknown][] {
  if (Array.isArray(wire) && wire[0] === 'map') return wire[1] as [unknown, unknown][];
  throw new TypeError(`expected ["map", …], got ${JSON.stringify(wire)}`);
}

/** Decodes a whole column value. */
export function decodeValue(type: ColumnType, wire: unknown): unknown {
  switch (type.kind) {
    case 'scalar':
      return decodeAtom(type.key, wire);
    case 'optional': {
      const els = wireSetElements(wire);
      return els.length === 0 ? undefined : decodeAtom(type.key, els[0]);
    }
    case 'set':
      return wireSetElements(wire).map((a) => decodeAtom(type.key, a));
    case 'map': {
      const pairs = wireMapPairs(wire);
      if (type.key.type === 'string') {
        const obj: Record<string, unknown> = {};
        for (const [k, v] of pairs) obj[k as string] = decodeAtom(type.value!, v);
        return obj;
      }
      const m = new Map<unknown, unknown>();
      for (const [k, v] of pairs) m.set(decodeAtom(type.key, k), decodeAtom(type.value!, v));
      return m;
    }
  }
}

function defaultAtom(base: BaseType): unknown {
  switch (base.type) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
  }
}

/** The value a column has when never written (RFC 7047 §5.2.1 insert: "default value"). */
export function defaultValue(type: ColumnType): unknown {
  switch (type.kind) {
    case 'scalar':
      return defaultAtom(type.key);
    case 'optional':
      return undefined;
    case 'set':
      return [];
    case 'map':
      return type.key.type === 'string' ? {} : new Map();
  }
}

/**
 * Decodes a wire row. When `fill` lists columns, missing ones get their default value: update2
 * "initial"/"insert" rows omit columns whose value is the default (ovsdb/monitor.c).
 */
export function decodeRow(table: TableSchema, uuid: string | undefined, wire: WireRow, fill?: readonly string[]): Row {
  const row: Row = { _uuid: uuid ?? '' };
  if (fill) for (const c of fill) row[c] = defaultValue(columnOf(table, c).type);
  for (const [c, v] of Object.entries(wire)) row[c] = decodeValue(columnOf(table, c).type, v);
  if (uuid === undefined) row._uuid = String(row._uuid ?? '');
  return row;
}

// ---------- update2 diffs ----------

/** Identity of an atom for set/map comparisons (5 and 5n are the same integer). */
export function atomKey(v: unknown): string {
  return typeof v === 'string' ? 's' + v : typeof v === 'boolean' ? (v ? 'T' : 'F') : 'n' + String(v);
}

/**
 * Applies an update2 "modify" value (ovsdb-server(7) §update2): columns holding at most one value
 * (scalars and optional columns) carry the new value; for sets each element in the diff toggles; for
 * maps a new key inserts, an existing key with the same value deletes, with another value replaces.
 */
export function applyDiff(type: ColumnType, old: unknown, diffWire: unknown): unknown {
  switch (type.kind) {
    case 'scalar':
    case 'optional':
      // ovsdb/monitor.c only diffs columns that can hold several values; checked against 3.1.
      return decodeValue(type, diffWire);
    case 'set': {
      const current = new Map<string, unknown>();
      for (const v of old as unknown[]) current.set(atomKey(v), v);
      for (const w of wireSetElements(diffWire)) {
        const v = decodeAtom(type.key, w);
        const k = atomKey(v);
        if (current.has(k)) current.delete(k);
        else current.set(k, v);
      }
      return [...current.values()];
    }
    case 'map': {
      const pairs = wireMapPairs(diffWire);
      if (type.key.type === 'string') {
        const obj: Record<string, unknown> = { ...(old as Record<string, unknown>) };
        for (const [kw, vw] of pairs) {
          const k = kw as string;
          const v = decodeAtom(type.value!, vw);
          if (Object.prototype.hasOwnProperty.call(obj, k) && atomKey(obj[k]) === atomKey(v)) delete obj[k];
          else obj[k] = v;
        }
        return obj;
      }
      const m = new Map(old as Map<unknown, unknown>);
      const byKey = new Map<string, unknown>();
      for (const k of m.keys()) byKey.set(atomKey(k), k);
      for (const [kw, vw] of pairs) {
        const k = decodeAtom(type.key, kw);
        const v = decodeAtom(type.value!, vw);
        const existing = byKey.get(atomKey(k));
        if (existing !== undefined && atomKey(m.get(existing)) === atomKey(v)) {
          m.delete(existing);
          byKey.delete(atomKey(k));
        } else if (existing !== undefined) {
          m.set(existing, v);
        } else {
          m.set(k, v);
          byKey.set(atomKey(k), k);
        }
      }
      return m;
    }
  }
}

// ---------- encoding ----------

export function encodeAtom(base: BaseType, v: unknown, where = 'value'): unknown {
  switch (base.type) {
    case 'uuid':
      if (v instanceof NamedUuid) return v.toJSON();
      if (isUuid(v)) return ['uuid', v.toLowerCase()];
      // A non-UUID string is taken as a uuid-name, as libovsdb does.
      if (typeof v === 'string') return namedUuid(v).toJSON();
      break;
    case 'integer':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      break;
    case 'real':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'bigint') return Number(v);
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'string':
      if (typeof v === 'string') return v;
      break;
  }
  throw new TypeError(`${where}: expected ${base.type}, got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    return `${typeof v} ${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))}`;
  } catch {
    return typeof v;
  }
}

function encodeSet(base: BaseType, items: readonly unknown[], where: string): unknown {
  return ['set', items.map((x) => encodeAtom(base, x, where))];
}

/** Encodes the key/value pairs of a JS map value (plain object or Map). */
export function mapEntries(type: ColumnType, v: unknown, where: string): [unknown, unknown][] {
  let entries: [unknown, unknown][];
  if (v instanceof Map) entries = [...v.entries()];
  else if (v && typeof v === 'object' && !Array.isArray(v)) {
    entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => [coerceKey(type.key, k), x]);
  } else throw new TypeError(`${where}: expected an object or Map, got ${describe(v)}`);
  return entries.map(([k, x]) => [encodeAtom(type.key, k, `${where} key`), encodeAtom(type.value!, x, where)]);
}

/** Object keys are strings; an integer-keyed map given as an object still encodes. */
function coerceKey(base: BaseType, k: string): unknown {
  if (base.type === 'integer') return /^-?\d+$/.test(k) && Number.isSafeInteger(Number(k)) ? Number(k) : BigInt(k);
  if (base.type === 'real') return Number(k);
  if (base.type === 'boolean') return k === 'true';
  return k;
}

/**
 * Encodes a whole column value. Accepts the shapes `decodeValue` produces; additionally a set column
 * takes a single element, and `undefined`/`null` clear optional columns.
 */
export function encodeValue(type: ColumnType, v: unknown, where = 'value'): unknown {
  switch (type.kind) {
    case 'scalar':
      return encodeAtom(type.key, v, where);
    case 'optional':
      if (v === undefined || v === null) return ['set', []];
      if (Array.isArray(v)) return encodeSet(type.key, v, where);
      return encodeAtom(type.key, v, where);
    case 'set':
      if (v === undefined || v === null) return ['set', []];
      return Array.isArray(v) ? encodeSet(type.key, v, where) : encodeSet(type.key, [v], where);
    case 'map':
      if (v === undefined || v === null) return ['map', []];
      return ['map', mapEntries(type, v, where)];
  }
}

/** Encodes a (partial) JS row; keys whose value is `undefined` clear optional/set/map columns. */
export function encodeRow(table: TableSchema, row: Record<string, unknown>): WireRow {
  const out: WireRow = {};
  for (const [c, v] of Object.entries(row)) {
    if (c === '_uuid' || c === '_version') continue;
    const col = columnOf(table, c);
    if (v === undefined && col.type.kind === 'scalar') {
      throw new TypeError(`${table.name}.${c}: a required column cannot be set to undefined`);
    }
    out[c] = encodeValue(col.type, v, `${table.name}.${c}`);
  }
  return out;
}

/** Structural equality for decoded values (arrays as sets are compared in order). */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a !== 'object' && typeof b !== 'object' && atomKey(a) === atomKey(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    if (a.length <= 1) return a.length === 0 || valueEquals(a[0], b[0]);
    const keys = new Set(a.map(atomKey));
    return b.every((x) => keys.has(atomKey(x)));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    const bk = new Map([...b.entries()].map(([k, v]) => [atomKey(k), v]));
    for (const [k, v] of a) if (!bk.has(atomKey(k)) || !valueEquals(v, bk.get(atomKey(k)))) return false;
    return true;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && valueEquals(ao[k], bo[k]));
  }
  return false;
}
