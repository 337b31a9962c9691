import { BaseType, ColumnType, DatabaseSchema, parseSchema } from './schema';

/**
 * Generates TypeScript row models from an OVSDB schema (RFC 7047 §3.2), as libovsdb's `modelgen` does
 * for Go: one row type per table, typed the way the codec decodes values (see README "Values"), a
 * table-name union and a `TableMap` that `OvsdbClient<TableMap>` uses to check table and column names.
 */

export interface ModelgenOptions {
  /** Where the schema came from, for the header (e.g. "schemas/ovn-nb.ovsschema"). */
  source: string;
  /** The command that regenerates the file, for the header. */
  command: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Names the file declares itself; a row type must not shadow them. */
const RESERVED = new Set(['TableMap', 'TableName', 'TABLE_NAMES', 'Tables', 'SCHEMA_NAME', 'SCHEMA_VERSION', 'SCHEMA_CKSUM']);

/** `Logical_Switch_Port` → `LogicalSwitchPort`, `ACL` → `ACL`, `Open_vSwitch` → `OpenvSwitch`. */
export function rowTypeName(table: string): string {
  const name = table
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
  return /^[0-9]/.test(name) ? `T${name}` : name;
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v);
}

function propertyName(name: string): string {
  return IDENT.test(name) ? name : literal(name);
}

/** The TS type of one atom: enums become literal unions, uuids strings. */
export function atomType(base: BaseType): string {
  if (base.enum && base.enum.length > 0) return [...base.enum].map(literal).join(' | ');
  switch (base.type) {
    case 'integer':
    case 'real':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
    case 'uuid':
      return 'string';
  }
}

function parenthesize(t: string): string {
  return t.includes(' | ') ? `(${t})` : t;
}

/** The TS type of a whole column value, matching `decodeValue`. */
export function columnTsType(type: ColumnType): string {
  const key = atomType(type.key);
  switch (type.kind) {
    case 'scalar':
      return key;
    case 'optional':
      return `${key} | undefined`;
    case 'set':
      return `${parenthesize(key)}[]`;
    case 'map': {
      const value = atomType(type.value!);
      if (type.key.type !== 'string') return `Map<${key}, ${value}>`;
      // Enumerated keys: each may be absent, so a Partial record rather than one requiring every key.
      return type.key.enum ? `Partial<Record<${key}, ${value}>>` : `Record<string, ${value}>`;
    }
  }
}

function reference(type: ColumnType): string | undefined {
  const refs = [type.key, type.value].filter((b): b is BaseType => !!b?.refTable);
  if (refs.length === 0) return undefined;
  return refs.map((b) => `${b.refTable} (${b.refType})`).join(', ');
}

function tableInterface(schema: DatabaseSchema, table: string): string[] {
  const t = schema.tables.get(table)!;
  // A type literal, not an interface: it is assignable to the loose `Row`, so a typed client or row can be
  // passed to code written against the untyped API.
  const lines = [`/** Row of ${schema.name}.${table}${t.isRoot ? ' (root table)' : ''}. */`, `export type ${rowTypeName(table)} = {`];
  lines.push('  _uuid: string;', '  /** Present when selected or monitored. */', '  _version?: string;');
  for (const name of t.columnNames) {
    const col = t.columns.get(name)!;
    const notes = [reference(col.type) && `→ ${reference(col.type)}`, col.ephemeral && 'ephemeral', !col.mutable && 'immutable'].filter(
      Boolean,
    );
    if (notes.length) lines.push(`  /** ${notes.join('; ')} */`);
    lines.push(`  ${propertyName(name)}: ${columnTsType(col.type)};`);
  }
  lines.push('};');
  return lines;
}

/** The TypeScript source of the models of `schemaJson` (an .ovsschema file's content, parsed). */
export function generateModels(schemaJson: unknown, options: ModelgenOptions): string {
  const schema = parseSchema(schemaJson);
  const tables = [...schema.tables.keys()].sort();
  const names = new Map<string, string>();
  for (const table of tables) {
    const name = rowTypeName(table);
    if (RESERVED.has(name) || names.has(name)) throw new TypeError(`table ${table}: type name ${name} is already taken`);
    names.set(name, table);
  }
  const out = [
    `// Models of the OVSDB schema ${schema.name} ${schema.version}, generated from ${options.source}.`,
    `// Do not edit: regenerate with \`${options.command}\`.`,
    '',
    `export const SCHEMA_NAME = ${literal(schema.name)};`,
    `export const SCHEMA_VERSION = ${literal(schema.version)};`,
  ];
  if (schema.cksum) out.push(`export const SCHEMA_CKSUM = ${literal(schema.cksum)};`);
  for (const table of tables) out.push('', ...tableInterface(schema, table));
  out.push('', `export const TABLE_NAMES = [${tables.map(literal).join(', ')}] as const;`, '');
  out.push('export type TableName = (typeof TABLE_NAMES)[number];', '');
  // Table names as constants, so code names a table by a model member (`Tables.Logical_Switch`) rather than a string.
  out.push('/** Table name → itself. */');
  out.push('export const Tables = {', ...tables.map((t) => `  ${propertyName(t)}: ${literal(t)},`), '} as const;', '');
  // A type literal for the same reason as the rows: it satisfies the index-signature constraint of `TableMap`.
  out.push(`/** Table name → row type, for \`OvsdbClient<TableMap>\`. */`);
  out.push('export type TableMap = {', ...tables.map((t) => `  ${propertyName(t)}: ${rowTypeName(t)};`), '};', '');
  return out.join('\n');
}
