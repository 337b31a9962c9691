/**
 * Database schema model (RFC 7047 §3.2), normalized once so the codec never re-parses type strings.
 */

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

export interface BaseType {
  type: AtomicType;
  /** Allowed values, already decoded to JS. */
  enum?: unknown[];
  refTable?: string;
  refType?: 'strong' | 'weak';
}

/**
 * How a column looks in JS:
 * - `scalar`: min 1, max 1, no value type → the value itself.
 * - `optional`: min 0, max 1, no value type → the value or `undefined`.
 * - `set`: max > 1 or "unlimited" → an array.
 * - `map`: has a value type → `Record<string, V>` for string keys, `Map<K, V>` otherwise.
 */
export type ColumnKind = 'scalar' | 'optional' | 'set' | 'map';

export interface ColumnType {
  key: BaseType;
  value?: BaseType;
  min: number;
  /** `Infinity` for "unlimited". */
  max: number;
  kind: ColumnKind;
}

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  ephemeral: boolean;
  mutable: boolean;
}

export interface TableSchema {
  name: string;
  /** All columns including the implicit `_uuid` and `_version`. */
  columns: Map<string, ColumnSchema>;
  /** Names of the declared columns (without `_uuid`/`_version`), in schema order. */
  columnNames: string[];
  isRoot: boolean;
  maxRows?: number;
  /** Column sets that must be unique (`indexes`), kept for cache indexes. */
  indexes: string[][];
}

export interface DatabaseSchema {
  name: string;
  version: string;
  cksum?: string;
  tables: Map<string, TableSchema>;
  /** The schema as the server sent it. */
  json: unknown;
}

const ATOMIC = new Set(['integer', 'real', 'boolean', 'string', 'uuid']);

function parseBase(json: unknown, where: string): BaseType {
  if (typeof json === 'string') {
    if (!ATOMIC.has(json)) throw new TypeError(`${where}: unknown atomic type ${json}`);
    return { type: json as AtomicType };
  }
  const j = json as Record<string, unknown>;
  if (!j || typeof j.type !== 'string' || !ATOMIC.has(j.type)) throw new TypeError(`${where}: bad base type`);
  const base: BaseType = { type: j.type as AtomicType };
  if (j.enum !== undefined) {
    // An enum is an <atom> or ["set", [...]] of atoms (RFC 7047 §3.2).
    const e = j.enum;
    const atoms = Array.isArray(e) && e[0] === 'set' ? (e[1] as unknown[]) : [e];
    base.enum = atoms;
  }
  if (typeof j.refTable === 'string') {
    base.refTable = j.refTable;
    base.refType = j.refType === 'weak' ? 'weak' : 'strong';
  }
  return base;
}

export function parseColumnType(json: unknown, where: string): ColumnType {
  if (typeof json === 'string') {
    return { key: parseBase(json, where), min: 1, max: 1, kind: 'scalar' };
  }
  const j = json as Record<string, unknown>;
  const key = parseBase(j.key, where);
  const value = j.value !== undefined ? parseBase(j.value, where) : undefined;
  const min = j.min === undefined ? 1 : Number(j.min);
  const max = j.max === undefined ? 1 : j.max === 'unlimited' ? Infinity : Number(j.max);
  const kind: ColumnKind = value ? 'map' : max > 1 ? 'set' : min === 0 ? 'optional' : 'scalar';
  return { key, value, min, max, kind };
}

const UUID_COLUMN = (name: string): ColumnSchema => ({
  name,
  type: { key: { type: 'uuid' }, min: 1, max: 1, kind: 'scalar' },
  ephemeral: false,
  mutable: false,
});

/** Parses a `get_schema` reply or an .ovsschema file's JSON. */
export function parseSchema(json: unknown): DatabaseSchema {
  const j = json as { name?: unknown; version?: unknown; cksum?: unknown; tables?: Record<string, unknown> };
  if (!j || typeof j.name !== 'string' || !j.tables) throw new TypeError('not an OVSDB schema');
  const tables = new Map<string, TableSchema>();
  for (const [tname, tjson] of Object.entries(j.tables)) {
    const t = tjson as { columns: Record<string, unknown>; isRoot?: boolean; maxRows?: number; indexes?: string[][] };
    const columns = new Map<string, ColumnSchema>();
    columns.set('_uuid', UUID_COLUMN('_uuid'));
    columns.set('_version', UUID_COLUMN('_version'));
    const columnNames: string[] = [];
    for (const [cname, cjson] of Object.entries(t.columns)) {
      const c = cjson as { type: unknown; ephemeral?: boolean; mutable?: boolean };
      columns.set(cname, {
        name: cname,
        type: parseColumnType(c.type, `${tname}.${cname}`),
        ephemeral: c.ephemeral === true,
        mutable: c.mutable !== false,
      });
      columnNames.push(cname);
    }
    tables.set(tname, {
      name: tname,
      columns,
      columnNames,
      // RFC 7047 §3.2: isRoot defaults to false, but a database whose schema never says isRoot treats
      // every table as root (ovsdb-server's compatibility rule); we only report what the schema says.
      isRoot: t.isRoot === true,
      maxRows: t.maxRows,
      indexes: t.indexes ?? [],
    });
  }
  return {
    name: j.name,
    version: typeof j.version === 'string' ? j.version : '',
    cksum: typeof j.cksum === 'string' ? j.cksum : undefined,
    tables,
    json,
  };
}

/** Looks a table up or throws a TypeError naming it. */
export function tableOf(schema: DatabaseSchema, table: string): TableSchema {
  const t = schema.tables.get(table);
  if (!t) throw new TypeError(`table ${table} is not in schema ${schema.name}`);
  return t;
}

/** Looks a column up or throws a TypeError naming it. */
export function columnOf(table: TableSchema, column: string): ColumnSchema {
  const c = table.columns.get(column);
  if (!c) throw new TypeError(`column ${table.name}.${column} does not exist`);
  return c;
}
