import { NamedUuid, Row, decodeRow, encodeAtom, encodeRow, encodeValue, mapEntries } from './codec';
import { DatabaseSchema, TableSchema, columnOf, tableOf } from './schema';

/**
 * Operation builders (RFC 7047 §5.2). They only build plain objects holding JS values; nothing runs
 * until `client.transact(ops)` encodes them with the schema and sends them as one transaction.
 */

export type Condition = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'includes' | 'excludes';
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';

/** `[column, function, value]` with a JS value (RFC 7047 §5.1 <condition>). An empty array matches all rows. */
export type Where = ReadonlyArray<readonly [column: string, fn: Condition, value: unknown]>;
/** `[column, mutator, value]` (RFC 7047 §5.1 <mutation>). */
export type Mutation = readonly [column: string, mutator: Mutator, value: unknown];

export interface InsertOp {
  op: 'insert';
  table: string;
  row: Record<string, unknown>;
  uuidName?: string;
  uuid?: string;
}
export interface SelectOp {
  op: 'select';
  table: string;
  where: Where;
  columns?: string[];
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
  columns: string[];
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

export type Op = InsertOp | SelectOp | UpdateOp | MutateOp | DeleteOp | WaitOp | CommitOp | AbortOp | CommentOp | AssertOp;

export interface InsertResult {
  uuid: string;
}
export interface SelectResult {
  rows: Row[];
}
export interface CountResult {
  count: number;
}
export type EmptyResult = Record<string, never>;

/** The decoded result type of one op. */
export type ResultOf<O> = O extends InsertOp
  ? InsertResult
  : O extends SelectOp
    ? SelectResult
    : O extends UpdateOp | MutateOp | DeleteOp
      ? CountResult
      : EmptyResult;

/** Decoded results of an op tuple, position by position. */
export type ResultsOf<T extends readonly Op[]> = { -readonly [K in keyof T]: ResultOf<T[K]> };

export const op = {
  /**
   * Inserts a row. `uuidName` lets later ops in the same transaction refer to it via `namedUuid(name)`;
   * `uuid` asks the server to use that UUID (OVS ≥ 2.13), which makes a retried insert detectable
   * ("duplicate uuid") after a lost reply.
   */
  insert(table: string, row: Record<string, unknown>, opts: { uuidName?: string; uuid?: string } = {}): InsertOp {
    return { op: 'insert', table, row, ...opts };
  },
  select(table: string, where: Where = [], columns?: string[]): SelectOp {
    return { op: 'select', table, where, columns };
  },
  /**
   * Updates matching rows with `patch`. A key absent from the patch leaves the column unchanged; a key
   * present clears or sets it: `[]` clears a set, `{}` clears a map, `undefined` clears an optional
   * column. (libovsdb cannot tell "unchanged" from "clear"; an explicit key can.)
   */
  update(table: string, where: Where, patch: Record<string, unknown>): UpdateOp {
    return { op: 'update', table, where, row: patch };
  },
  mutate(table: string, where: Where, mutations: readonly Mutation[]): MutateOp {
    return { op: 'mutate', table, where, mutations };
  },
  delete(table: string, where: Where): DeleteOp {
    return { op: 'delete', table, where };
  },
  /**
   * Waits until the selected rows' `columns` are (`==`) or are not (`!=`) exactly `rows`; fails with
   * "timed out" after `timeoutMs` (0 = check once, the optimistic-concurrency "verify").
   */
  wait(
    table: string,
    where: Where,
    columns: string[],
    until: '==' | '!=',
    rows: Record<string, unknown>[],
    timeoutMs?: number,
  ): WaitOp {
    return { op: 'wait', table, where, columns, until, rows, timeout: timeoutMs };
  },
  /**
   * Verify a read: the row `uuid` still has the `columns` values of `row` (as read from the cache),
   * else the transaction fails with "timed out" and `withRetry` runs it again on fresh data.
   */
  verify(table: string, row: Row, columns: string[]): WaitOp {
    const expected: Record<string, unknown> = {};
    for (const c of columns) expected[c] = row[c];
    return { op: 'wait', table, where: [['_uuid', '==', row._uuid]], columns, until: '==', rows: [expected], timeout: 0 };
  },
  commit(durable = true): CommitOp {
    return { op: 'commit', durable };
  },
  abort(): AbortOp {
    return { op: 'abort' };
  },
  comment(text: string): CommentOp {
    return { op: 'comment', comment: text };
  },
  assert(lock: string): AssertOp {
    return { op: 'assert', lock };
  },
};

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
