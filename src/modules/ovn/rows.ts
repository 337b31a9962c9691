import { opsFor, type CommonTables, type OpenVSwitch, type OvnNorthbound, type OvnNorthbound2503 } from 'ovsdb-client';
import { NB } from './tables';

/**
 * The NB tables and columns of every OVN version the driver runs on (23.03: schema 7.0.0, 25.03: 7.11.0):
 * code typed against them cannot use a column one of those versions lacks. Which version a server runs is
 * checked at connect (ovsdb-sessions.ts).
 */
export type NbTables = CommonTables<OvnNorthbound.TableMap, OvnNorthbound2503.TableMap>;

/**
 * The rows the driver reads, as the generated models type them. Each is the columns it monitors (see
 * ovsdb-sessions.ts): a column outside the Pick reads as `undefined` at run time, so naming one here
 * without monitoring it would lie.
 */
export type SwitchRow = Pick<NbTables[typeof NB.Logical_Switch], '_uuid' | 'name' | 'ports' | 'external_ids'>;
export type SwitchPortRow = Pick<
  NbTables[typeof NB.Logical_Switch_Port],
  '_uuid' | 'name' | 'addresses' | 'port_security' | 'external_ids' | 'up' | 'type'
>;
export type RouterRow = Pick<NbTables[typeof NB.Logical_Router], '_uuid' | 'name' | 'ports' | 'policies' | 'external_ids'>;
export type RouterPolicyRow = Pick<NbTables[typeof NB.Logical_Router_Policy], '_uuid' | 'priority' | 'match' | 'action' | 'external_ids'>;
export type PortGroupRow = Pick<NbTables[typeof NB.Port_Group], '_uuid' | 'name' | 'ports' | 'acls' | 'external_ids'>;
export type AclRow = Pick<
  NbTables[typeof NB.ACL],
  '_uuid' | 'name' | 'priority' | 'direction' | 'match' | 'action' | 'log' | 'severity' | 'meter' | 'external_ids'
>;
export type MeterRow = Pick<NbTables[typeof NB.Meter], '_uuid' | 'name' | 'unit' | 'bands' | 'external_ids'>;
export type DhcpRow = Pick<NbTables[typeof NB.DHCP_Options], '_uuid' | 'cidr' | 'external_ids'>;
export type BridgeRow = Pick<OpenVSwitch.Bridge, '_uuid' | 'name' | 'ports' | 'datapath_type'>;
export type PortRow = Pick<OpenVSwitch.Port, '_uuid' | 'name' | 'interfaces' | 'external_ids'>;
export type InterfaceRow = Pick<OpenVSwitch.Interface, '_uuid' | 'name' | 'type' | 'external_ids' | 'ofport' | 'error'>;

/** Op builders checked against the NB and Open_vSwitch models (table names, columns, value shapes). */
export const nbOp = opsFor<NbTables>();
export const ovsOp = opsFor<OpenVSwitch.TableMap>();
