import { Row, WireRow, applyDiff, decodeRow, valueEquals } from './codec';
import { OvsdbProtocolError } from './errors';
import { DatabaseSchema, TableSchema, columnOf, tableOf } from './schema';
import type { LooseTables, TableMap, TableOf } from './typed';

/** One row change inside a batch. `old`/`new` are whole rows (immutable snapshots); `table` narrows them. */
export type RowChange<M extends TableMap = LooseTables> = {
  [K in TableOf<M>]: { table: K; uuid: string; type: 'insert' | 'update' | 'delete'; old?: M[K]; new?: M[K] };
}[TableOf<M>];

/** Changes applied together: one monitor update message, or one (re)synchronization. */
export interface ChangeBatch<M extends TableMap = LooseTables> {
  changes: RowChange<M>[];
  /** True for the batch that (re)loaded the cache after connecting. */
  initial: boolean;
}

/** A composite index key is an array of column values. */
export type IndexKey = unknown;
export type IndexFn<R = Row> = (row: R) => IndexKey | undefined;
/** The keys a row is found under in a multi-key index (e.g. the keys of a map column, the members of a set). */
export type MultiIndexFn<R = Row> = (row: R) => readonly IndexKey[];

const NO_KEYS: readonly IndexKey[] = [];
const single =
  <R>(fn: IndexFn<R>): MultiIndexFn<R> =>
  (row) => {
    const k = fn(row);
    return k === undefined ? NO_KEYS : [k];
  };

/** Stable string for an index key; strings map to themselves so the common lookup costs nothing. */
function keyString(k: IndexKey): string {
  if (typeof k === 'string') return k;
  if (Array.isArray(k)) return '\u0001' + k.map(keyString).join('\u0002');
  if (k instanceof Map)
    return (
      '\u0003' +
      [...k.entries()]
        .map(([a, b]) => keyString(a) + '=' + keyString(b))
        .sort()
        .join('\u0002')
    );
  if (k && typeof k === 'object')
    return (
      '\u0004' +
      Object.entries(k)
        .map(([a, b]) => a + '=' + keyString(b))
        .sort()
        .join('\u0002')
    );
  return '\u0000' + typeof k + ':' + String(k);
}

/**
 * Rows by key. Most keys hold one row (names, iface-ids, addresses), so a key maps to the row itself and
 * only to a Map by UUID once a second row shares it: 10,000 rows cost 10,000 entries, not 10,000 Maps.
 */
class Index {
  private readonly map = new Map<string, Row | Map<string, Row>>();
  constructor(
    private readonly keysOf: MultiIndexFn,
    private readonly onError: (row: Row, err: unknown) => void,
  ) {}

  /**
   * A key function that throws on a row (a client index meeting data it did not expect) leaves that row out
   * of this index, on add and remove alike, instead of leaving the cache half-updated.
   */
  private keys(row: Row): readonly IndexKey[] {
    try {
      return this.keysOf(row);
    } catch (err) {
      this.onError(row, err);
      return NO_KEYS;
    }
  }

  add(row: Row): void {
    for (const k of this.keys(row)) {
      const ks = keyString(k);
      const held = this.map.get(ks);
      if (held === undefined || (!(held instanceof Map) && held._uuid === row._uuid)) this.map.set(ks, row);
      else if (held instanceof Map) held.set(row._uuid, row);
      else
        this.map.set(
          ks,
          new Map([
            [held._uuid, held],
            [row._uuid, row],
          ]),
        );
    }
  }

  remove(row: Row): void {
    for (const k of this.keys(row)) {
      const ks = keyString(k);
      const held = this.map.get(ks);
      if (held === undefined) continue;
      if (!(held instanceof Map)) {
        if (held._uuid === row._uuid) this.map.delete(ks);
        continue;
      }
      held.delete(row._uuid);
      if (held.size === 1) this.map.set(ks, held.values().next().value!);
    }
  }

  lookup(k: IndexKey): Row[] {
    const held = this.map.get(keyString(k));
    if (held === undefined) return [];
    return held instanceof Map ? [...held.values()] : [held];
  }

  clear(): void {
    this.map.clear();
  }
}

interface TableState {
  schema: TableSchema;
  columns: string[];
  rows: Map<string, Row>;
  indexes: Map<string, Index>;
}

/**
 * The client-side replica of the monitored tables (the IDL of lib/ovsdb-idl.c, libovsdb's cache).
 * Rows are replaced, never mutated, so a row object handed out stays a consistent snapshot.
 * Indexes: every schema index (named by its columns joined with ",", e.g. "name", "logical_port,ip") plus
 * those added with `addIndex`; all are maintained on every update, lookups are O(1).
 * `M` (a generated `TableMap`) types the rows; it only checks, it does not change what is stored.
 */
export class OvsdbCache<M extends TableMap = LooseTables> {
  private readonly tables = new Map<string, TableState>();
  private readonly clientIndexes = new Map<string, Map<string, MultiIndexFn>>();
  private schema?: DatabaseSchema;
  /** Told of a row an index's key function threw on (the row is left out of that index). */
  onIndexError: (table: string, index: string, uuid: string, err: unknown) => void = () => undefined;

  /** The monitored tables' names. */
  get tableNames(): string[] {
    return [...this.tables.keys()];
  }

  /** All rows of a monitored table, by UUID. */
  table<K extends TableOf<M>>(name: K): ReadonlyMap<string, M[K]> {
    return this.state(name).rows as ReadonlyMap<string, unknown> as ReadonlyMap<string, M[K]>;
  }

  get<K extends TableOf<M>>(table: K, uuid: string): M[K] | undefined {
    return this.state(table).rows.get(uuid) as M[K] | undefined;
  }

  /** Rows of `table` as an array (a copy). */
  rows<K extends TableOf<M>>(table: K): M[K][] {
    return [...this.table(table).values()];
  }

  /** Adds (or replaces) a client index; `fn` returns the key of a row or `undefined` to leave it out. */
  addIndex<K extends TableOf<M>>(table: K, name: string, fn: IndexFn<M[K]>): void {
    this.addMultiIndex(table, name, single(fn));
  }

  /** Adds (or replaces) a client index under which a row is found by each of the keys `fn` returns. */
  addMultiIndex<K extends TableOf<M>>(table: K, name: string, typedFn: MultiIndexFn<M[K]>): void {
    const fn = typedFn as unknown as MultiIndexFn;
    let defs = this.clientIndexes.get(table);
    if (!defs) this.clientIndexes.set(table, (defs = new Map()));
    defs.set(name, fn);
    const st = this.tables.get(table);
    if (st) {
      const idx = this.index(table, name, fn);
      for (const row of st.rows.values()) idx.add(row);
      st.indexes.set(name, idx);
    }
  }

  /** Rows whose index key equals `key` (for composite schema indexes, an array in column order). */
  lookup<K extends TableOf<M>>(table: K, name: string, key: IndexKey): M[K][] {
    const idx = this.state(table).indexes.get(name);
    if (!idx) throw new TypeError(`no index ${name} on ${table}`);
    return idx.lookup(key) as unknown[] as M[K][];
  }

  private index(table: string, name: string, fn: MultiIndexFn): Index {
    return new Index(fn, (row, err) => this.onIndexError(table, name, row._uuid, err));
  }

  private state(name: string): TableState {
    const st = this.tables.get(name);
    if (!st) throw new TypeError(`table ${name} is not monitored`);
    return st;
  }

  /**
   * (Re)configures for a schema and column selection. Keeps rows of tables whose columns did not change,
   * so a resync can diff against them.
   * @internal
   */
  configure(schema: DatabaseSchema, selection: Map<string, string[]>): RowChange[] {
    this.schema = schema;
    const dropped: RowChange[] = [];
    for (const [name, st] of this.tables) {
      if (!selection.has(name)) {
        for (const row of st.rows.values()) dropped.push({ table: name, uuid: row._uuid, type: 'delete', old: row });
        this.tables.delete(name);
      }
    }
    for (const [name, columns] of selection) {
      const ts = tableOf(schema, name);
      for (const c of columns) columnOf(ts, c);
      const prev = this.tables.get(name);
      const indexes = new Map<string, Index>();
      for (const cols of ts.indexes) {
        if (!cols.every((c) => columns.includes(c))) continue;
        const fn: IndexFn = cols.length === 1 ? (r) => r[cols[0]] : (r) => cols.map((c) => r[c]);
        indexes.set(cols.join(','), this.index(name, cols.join(','), single(fn)));
      }
      for (const [iname, fn] of this.clientIndexes.get(name) ?? []) indexes.set(iname, this.index(name, iname, fn));
      const rows = prev ? prev.rows : new Map<string, Row>();
      for (const idx of indexes.values()) for (const row of rows.values()) idx.add(row);
      this.tables.set(name, { schema: ts, columns, rows, indexes });
    }
    return dropped;
  }

  private put(st: TableState, table: string, uuid: string, row: Row | undefined, changes: RowChange[]): void {
    const old = st.rows.get(uuid);
    if (old) for (const idx of st.indexes.values()) idx.remove(old);
    if (row) {
      st.rows.set(uuid, row);
      for (const idx of st.indexes.values()) idx.add(row);
      changes.push(old ? { table, uuid, type: 'update', old, new: row } : { table, uuid, type: 'insert', new: row });
    } else if (old) {
      st.rows.delete(uuid);
      changes.push({ table, uuid, type: 'delete', old });
    }
  }

  /**
   * Applies a `monitor` <table-updates> (RFC 7047 §4.1.6): "new" is the whole row, absent "new" deletes.
   * @internal
   */
  applyUpdate(updates: Record<string, Record<string, { old?: WireRow; new?: WireRow }>>, changes: RowChange[] = []): RowChange[] {
    for (const [table, rows] of Object.entries(updates ?? {})) {
      const st = this.tables.get(table);
      if (!st) continue;
      for (const [uuid, u] of Object.entries(rows)) {
        const row = u.new ? decodeRow(st.schema, uuid, u.new, st.columns) : undefined;
        this.put(st, table, uuid, row, changes);
      }
    }
    return changes;
  }

  /**
   * Applies `update2`/`update3` <table-updates2> (ovsdb-server(7) monitor_cond): initial/insert carry the
   * row (default-valued columns omitted), modify carries only changed columns as diffs, delete is null.
   * Changes are pushed to `changes` as they are applied, so a caller still has them when a later row throws
   * (a `modify` of a row the cache lacks: the cache no longer matches the server, lib/ovsdb-idl.c's
   * OVSDB_IDL_UPDATE_INCONSISTENT).
   * @internal
   */
  applyUpdate2(updates: Record<string, Record<string, Record<string, WireRow | null>>>, changes: RowChange[] = []): RowChange[] {
    for (const [table, rows] of Object.entries(updates ?? {})) {
      const st = this.tables.get(table);
      if (!st) continue;
      for (const [uuid, u] of Object.entries(rows)) {
        if (u.initial || u.insert) {
          this.put(st, table, uuid, decodeRow(st.schema, uuid, (u.initial ?? u.insert)!, st.columns), changes);
        } else if (u.modify) {
          const old = st.rows.get(uuid);
          if (!old) throw new OvsdbProtocolError(`update modifies ${table} row ${uuid}, which the cache does not hold`);
          const row: Row = { ...old };
          for (const [c, diff] of Object.entries(u.modify)) row[c] = applyDiff(columnOf(st.schema, c).type, old[c], diff);
          this.put(st, table, uuid, row, changes);
        } else if ('delete' in u) {
          this.put(st, table, uuid, undefined, changes);
        }
      }
    }
    return changes;
  }

  /**
   * Replaces every monitored table's content with a full initial dump, returning only real differences:
   * rows gone while disconnected become deletes, changed rows updates, new rows inserts.
   * @internal
   */
  replaceAll(
    updates: Record<string, Record<string, Record<string, WireRow | null>>>,
    version: 1 | 2,
    changes: RowChange[] = [],
  ): RowChange[] {
    for (const [table, st] of this.tables) {
      const incoming = (updates ?? {})[table] ?? {};
      for (const uuid of [...st.rows.keys()]) {
        if (!(uuid in incoming)) this.put(st, table, uuid, undefined, changes);
      }
      for (const [uuid, u] of Object.entries(incoming)) {
        const wire = version === 1 ? (u.new as WireRow) : ((u.initial ?? u.insert) as WireRow);
        if (!wire) continue;
        const row = decodeRow(st.schema, uuid, wire, st.columns);
        const old = st.rows.get(uuid);
        if (old && st.columns.every((c) => valueEquals(old[c], row[c]))) continue;
        this.put(st, table, uuid, row, changes);
      }
    }
    return changes;
  }

  /** The schema the cache was last configured with. */
  get currentSchema(): DatabaseSchema | undefined {
    return this.schema;
  }
}
