import { ConflictError } from '../../protocol/errors';
import type { NbClient } from './ovsdb-sessions';
import { NB } from './tables';

/**
 * A row of this name that the driver's lookups did not find (made by hand, by another tool, or by a release
 * that keyed it otherwise) would fail the create-if-absent wait on every retry, ending in "kept changing;
 * try again" many seconds later: refused at once, naming it.
 */
export function refuseForeignRow(nb: NbClient, table: typeof NB.Logical_Switch | typeof NB.Logical_Router, name: string): void {
  for (const row of nb.cache.table(table).values()) {
    if (row.name !== name) continue;
    throw new ConflictError(
      'NAME_TAKEN',
      `OVN Northbound already has a ${table} named ${name} (${row._uuid}) that is not one of this driver's (or was made by an earlier release); remove or rename it (ovn-nbctl ${table === NB.Logical_Switch ? 'ls-del' : 'lr-del'} ${row._uuid}) or use another vrf`,
    );
  }
}
