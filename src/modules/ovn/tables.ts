import { OpenVSwitch, OvnNorthbound } from 'ovsdb-client';

/**
 * Table names, taken from the generated models rather than written as strings. The NB tables the driver uses
 * exist in every OVN version it runs on (NbTables in rows.ts), so the 23.03 model's names serve for all.
 */
export const NB = OvnNorthbound.Tables;
/** Tables of the local Open_vSwitch DB. */
export const OVS = OpenVSwitch.Tables;
