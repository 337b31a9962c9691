import type { NamedUuid, Row } from './codec';

/**
 * Types that let the compiler check table names, column names and value shapes against generated models
 * (`src/models/*.ts`). Every generic defaults to the loose map, so untyped code reads `Row`s as before.
 */

/** Table name → row type. The generated `TableMap` of each schema is one. */
export type TableMap = { [table: string]: { _uuid: string } };
/** Any table, any column, `unknown` values: what an `OvsdbClient` without a model uses. */
export type LooseTables = Record<string, Row>;
export type TableOf<M> = keyof M & string;

/**
 * What two models of one database have in common (e.g. `OvnNorthbound` and `OvnNorthbound2503`): the
 * tables and columns in both, each value typed as either model has it (an enum reads as the union of
 * both models' literals). Code typed against it runs on servers of either version.
 */
export type CommonTables<A, B> = {
  [T in keyof A & keyof B & string]: { [C in keyof A[T] & keyof B[T]]: A[T][C] | B[T][C] } & { _uuid: string };
};
export type ColumnOf<R> = keyof R & string;
/** Columns a write can set (`_uuid`/`_version` are the server's). */
export type WritableColumnOf<R> = Exclude<ColumnOf<R>, '_uuid' | '_version'>;

/** One atom as written: uuid (plain string) positions also take `namedUuid(…)`, integers also `bigint`. */
type WriteAtom<A> = A extends string
  ? string extends A
    ? string | NamedUuid
    : A
  : A extends number
    ? number extends A
      ? number | bigint
      : A
    : A;

/** What a column accepts when written (`encodeValue`): a set also takes a single element. */
export type WriteValue<V> = unknown extends V
  ? unknown
  : V extends readonly (infer E)[]
    ? readonly WriteAtom<E>[] | WriteAtom<E>
    : V extends Map<infer K, infer X>
      ? Map<K, WriteAtom<X>>
      : V extends object
        ? { [K in keyof V]: WriteAtom<V[K]> }
        : WriteAtom<V>;

/** A row or patch as written: any subset of the writable columns. */
export type WriteRow<R> = { [C in WritableColumnOf<R>]?: WriteValue<R[C]> };

/** A mutation's operand: `delete` on a map also takes its keys. */
type MutateValue<V> = unknown extends V
  ? unknown
  : V extends readonly unknown[]
    ? WriteValue<V>
    : V extends Map<infer K, unknown>
      ? WriteValue<V> | readonly K[]
      : V extends object
        ? WriteValue<V> | readonly (keyof V & string)[]
        : WriteValue<V>;

export type Condition = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'includes' | 'excludes';
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';

/** `[column, function, value]` (RFC 7047 §5.1 <condition>), checked against the row type `R`. */
export type Clause<R = Row> = { [C in ColumnOf<R>]: readonly [column: C, fn: Condition, value: WriteValue<R[C]>] }[ColumnOf<R>];
/** Conditions, all of which must hold. An empty array matches all rows. */
export type Where<R = Row> = ReadonlyArray<Clause<R>>;
/** `[column, mutator, value]` (RFC 7047 §5.1 <mutation>). */
export type Mutation<R = Row> = {
  [C in WritableColumnOf<R>]: readonly [column: C, mutator: Mutator, value: MutateValue<R[C]>];
}[WritableColumnOf<R>];

/** Carries an op's row type to its result type; never present at run time. */
export declare const ROW_TYPE: unique symbol;
