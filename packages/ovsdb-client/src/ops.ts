import { NamedUuid, Row, decodeRow, encodeAtom, encodeRow, encodeValue, mapEntries } from './codec';
import { DatabaseSchema, TableSchema, columnOf, tableOf } from './schema';
import type { ColumnOf, LooseTables, Mutation, ROW_TYPE, TableOf, Where, WriteRow } from './typed';

/**
 * Operation builders (RFC 7047 §5.2). They only build plain objects holding JS values; nothing runs
 * until `client.transact(ops)` encodes them with the schema and sends them as one transaction.
 * The op objects hold loose rows and conditions; the builders (`Ops<M>`) are what checks them against a model.
 */

export interface InsertOp {
  op: 'insert';
  table: string;
  row: Record<string, unknown>;
  uuidName?: string;
  uuid?: string;
}
export interface SelectOp<R = Row, C extends string = string> {
  op: 'select';
  table: string;
  where: Where;
  columns?: readonly string[];
  /** Row type and selected columns, for `ResultOf`. */
  [ROW_TYPE]?: { row: R; columns: C };
}
export interface UpdateOp {
  op: 'update';
  table: string;
  where: Where;
  row: Record<string, unknown>;
}
export interface MutateOp {
  op: 'mutate';
  table: string;
  where: Where;
  mutations: readonly Mutation[];
}
export interface DeleteOp {
  op: 'delete';
  table: string;
  where: Where;
}
export interface WaitOp {
  op: 'wait';
  table: string;
  where: Where;
  columns: readonly string[];
  until: '==' | '!=';
  rows: Record<string, unknown>[];
  timeout?: number;
}
export interface CommitOp {
  op: 'commit';
  durable: boolean;
}
export interface AbortOp {
  op: 'abort';
}
export interface CommentOp {
  op: 'comment';
  comment: string;
}
export interface AssertOp {
  op: 'assert';
  lock: string;
}

export type Op = InsertOp | SelectOp<object> | UpdateOp | MutateOp | DeleteOp | WaitOp | CommitOp | AbortOp | CommentOp | AssertOp;

export interface InsertResult {
  uuid: string;
}
export interface SelectResult<R = Row> {
  rows: R[];
}
export interface CountResult {
  count: number;
}
export type EmptyResult = Record<string, never>;

/** The decoded result type of one op. */
export type ResultOf<O> = O extends InsertOp
  ? InsertResult
  : O extends SelectOp<infer R, infer C>
    ? SelectResult<string extends C ? R : Pick<R, C & keyof R>>
    : O extends UpdateOp | MutateOp | DeleteOp
      ? CountResult
      : EmptyResult;

/** Decoded results of an op tuple, position by position. */
export type ResultsOf<T extends readonly Op[]> = { -readonly [K in keyof T]: ResultOf<T[K]> };

/** Op builders checked against the table map `M` (table names, column names, value shapes). */
export interface Ops<M = LooseTables> {
  /**
   * Inserts a row. `uuidName` lets later ops in the same transaction refer to it via `namedUuid(name)`;
   * `uuid` asks the server to use that UUID (OVS ≥ 2.13), which makes a retried insert detectable
   * ("duplicate uuid") after a lost reply.
   */
  insert<K extends TableOf<M>>(table: K, row: WriteRow<M[K]>, opts?: { uuidName?: string; uuid?: string }): InsertOp;
  select<K extends TableOf<M>, C extends ColumnOf<M[K]> = ColumnOf<M[K]>>(
    table: K,
    where?: Where<M[K]>,
    columns?: readonly C[],
  ): SelectOp<M[K], C>;
  /**
   * Updates matching rows with `patch`. A key absent from the patch leaves the column unchanged; a key
   * present clears or sets it: `[]` clears a set, `{}` clears a map, `undefined` clears an optional
   * column. (libovsdb cannot tell "unchanged" from "clear"; an explicit key can.)
   */
  update<K extends TableOf<M>>(table: K, where: Where<M[K]>, patch: WriteRow<M[K]>): UpdateOp;
  mutate<K extends TableOf<M>>(table: K, where: Where<M[K]>, mutations: readonly Mutation<M[K]>[]): MutateOp;
  delete<K extends TableOf<M>>(table: K, where: Where<M[K]>): DeleteOp;
  /**
   * Waits until the selected rows' `columns` are (`==`) or are not (`!=`) exactly `rows`; fails with
   * "timed out" after `timeoutMs` (0 = check once, the optimistic-concurrency "verify").
   */
  wait<K extends TableOf<M>>(
    table: K,
    where: Where<M[K]>,
    columns: readonly ColumnOf<M[K]>[],
    until: '==' | '!=',
    rows: WriteRow<M[K]>[],
    timeoutMs?: number,
  ): WaitOp;
  /**
   * Verify a read: the row `uuid` still has the `columns` values of `row` (as read from the cache),
   * else the transaction fails with "timed out" and `withRetry` runs it again on fresh data.
   */
  verify<K extends TableOf<M>>(table: K, row: M[K], columns: readonly ColumnOf<M[K]>[]): WaitOp;
  commit(durable?: boolean): CommitOp;
  abort(): AbortOp;
  comment(text: string): CommentOp;
  assert(lock: string): AssertOp;
}

/** The untyped builders; `opsFor<M>()` (or `client.op`) gives the same functions checked against a model. */
export const op: Ops = {
  insert(table, row, opts = {}) {
    return { op: 'insert', table, row, ...opts };
  },
  select(table, where = [], columns) {
    return { op: 'select', table, where, columns };
  },
  update(table, where, patch) {
    return { op: 'update', table, where, row: patch };
  },
  mutate(table, where, mutations) {
    return { op: 'mutate', table, where, mutations };
  },
  delete(table, where) {
    return { op: 'delete', table, where };
  },
  wait(table, where, columns, until, rows, timeoutMs) {
    return { op: 'wait', table, where, columns, until, rows, timeout: timeoutMs };
  },
  verify(table, row, columns) {
    const expected: Record<string, unknown> = {};
    for (const c of columns) expected[c] = row[c];
    return { op: 'wait', table, where: [['_uuid', '==', row._uuid]], columns, until: '==', rows: [expected], timeout: 0 };
  },
  commit(durable = true) {
    return { op: 'commit', durable };
  },
  abort() {
    return { op: 'abort' };
  },
  comment(text) {
    return { op: 'comment', comment: text };
  },
  assert(lock) {
    return { op: 'assert', lock };
  },
};

/** The op builders checked against the table map `M` (a generated `TableMap`); at run time, `op` itself. */
export function opsFor<M extends object>(): Ops<M> {
  return op as unknown as Ops<M>;
}

function encodeWhere(t: TableSchema, where: Where): unknown[] {
  return where.map(([column, fn, value]) => {
    const col = columnOf(t, column);
    const where = `${t.name}.${column} ${fn}`;
    // Ordering functions compare atoms; includes/excludes and ==/!= compare whole values (§5.1).
    if (fn === '<' || fn === '<=' || fn === '>' || fn === '>=') return [column, fn, encodeAtom(col.type.key, value, where)];
    return [column, fn, encodeValue(col.type, value, where)];
  });
}

function encodeMutation(t: TableSchema, [column, mutator, value]: Mutation): unknown[] {
  const col = columnOf(t, column);
  const where = `${t.name}.${column} ${mutator}`;
  const type = col.type;
  if (mutator === 'insert' || mutator === 'delete') {
    if (type.kind === 'map') {
      // "delete" on a map takes either a map or a set of keys (RFC 7047 §5.1).
      if (mutator === 'delete' && Array.isArray(value)) return [column, mutator, ['set', value.map((k) => encodeAtom(type.key, k, where))]];
      return [column, mutator, ['map', mapEntries(type, value, where)]];
    }
    const items = Array.isArray(value) ? value : [value];
    return [column, mutator, ['set', items.map((x) => encodeAtom(type.key, x, where))]];
  }
  return [column, mutator, encodeAtom(type.key, value, where)];
}

/** Encodes one op for the wire. Throws TypeError on unknown tables/columns or mistyped values. */
export function encodeOp(schema: DatabaseSchema, o: Op): Record<string, unknown> {
  switch (o.op) {
    case 'insert': {
      const t = tableOf(schema, o.table);
      const out: Record<string, unknown> = { op: 'insert', table: o.table, row: encodeRow(t, o.row) };
      if (o.uuidName) out['uuid-name'] = new NamedUuid(o.uuidName).name;
      if (o.uuid) out.uuid = o.uuid;
      return out;
    }
    case 'select': {
      const t = tableOf(schema, o.table);
      const out: Record<string, unknown> = { op: 'select', table: o.table, where: encodeWhere(t, o.where) };
      if (o.columns) {
        for (const c of o.columns) columnOf(t, c);
        out.columns = o.columns;
      }
      return out;
    }
    case 'update': {
      const t = tableOf(schema, o.table);
      return { op: 'update', table: o.table, where: encodeWhere(t, o.where), row: encodeRow(t, o.row) };
    }
    case 'mutate': {
      const t = tableOf(schema, o.table);
      return {
        op: 'mutate',
        table: o.table,
        where: encodeWhere(t, o.where),
        mutations: o.mutations.map((m) => encodeMutation(t, m)),
      };
    }
    case 'delete': {
      const t = tableOf(schema, o.table);
      return { op: 'delete', table: o.table, where: encodeWhere(t, o.where) };
    }
    case 'wait': {
      const t = tableOf(schema, o.table);
      const out: Record<string, unknown> = {
        op: 'wait',
        table: o.table,
        where: encodeWhere(t, o.where),
        columns: o.columns,
        until: o.until,
        rows: o.rows.map((r) => encodeRow(t, r)),
      };
      if (o.timeout !== undefined) out.timeout = o.timeout;
      return out;
    }
    case 'commit':
      return { op: 'commit', durable: o.durable };
    case 'abort':
      return { op: 'abort' };
    case 'comment':
      return { op: 'comment', comment: o.comment };
    case 'assert':
      return { op: 'assert', lock: o.lock };
  }
}

/** Decodes the (successful) wire result of `o`. */
export function decodeResult(schema: DatabaseSchema, o: Op, result: unknown): unknown {
  const r = (result ?? {}) as Record<string, unknown>;
  switch (o.op) {
    case 'insert':
      return { uuid: (r.uuid as unknown[])[1] as string };
    case 'select': {
      const t = tableOf(schema, o.table);
      return { rows: ((r.rows as Record<string, unknown>[]) ?? []).map((row) => decodeRow(t, undefined, row)) };
    }
    case 'update':
    case 'mutate':
    case 'delete':
      return { count: Number(r.count ?? 0) };
    default:
      return {};
  }
}
