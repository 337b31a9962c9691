import { opsFor, type OpenVSwitch, type OvnNorthbound } from 'ovsdb-client';

/**
 * The rows the driver reads, as the generated models type them. Each is the columns it monitors (see
 * ovsdb-sessions.ts): a column outside the Pick reads as `undefined` at run time, so naming one here
 * without monitoring it would lie.
 */
export type SwitchRow = Pick<OvnNorthbound.LogicalSwitch, '_uuid' | 'name' | 'ports' | 'external_ids'>;
export type SwitchPortRow = Pick<OvnNorthbound.LogicalSwitchPort, '_uuid' | 'name' | 'addresses' | 'port_security' | 'external_ids' | 'up' | 'type'>;
export type RouterRow = Pick<OvnNorthbound.LogicalRouter, '_uuid' | 'name' | 'ports' | 'policies' | 'external_ids'>;
export type RouterPolicyRow = Pick<OvnNorthbound.LogicalRouterPolicy, '_uuid' | 'priority' | 'match' | 'action' | 'external_ids'>;
export type PortGroupRow = Pick<OvnNorthbound.PortGroup, '_uuid' | 'name' | 'ports' | 'acls' | 'external_ids'>;
export type AclRow = Pick<OvnNorthbound.ACL, '_uuid' | 'name' | 'priority' | 'direction' | 'match' | 'action' | 'log' | 'severity' | 'meter' | 'external_ids'>;
export type MeterRow = Pick<OvnNorthbound.Meter, '_uuid' | 'name' | 'unit' | 'bands' | 'external_ids'>;
export type DhcpRow = Pick<OvnNorthbound.DHCPOptions, '_uuid' | 'cidr' | 'external_ids'>;
export type BridgeRow = Pick<OpenVSwitch.Bridge, '_uuid' | 'name' | 'ports'>;
export type PortRow = Pick<OpenVSwitch.Port, '_uuid' | 'name' | 'interfaces' | 'external_ids'>;
export type InterfaceRow = Pick<OpenVSwitch.Interface, '_uuid' | 'name' | 'type' | 'external_ids' | 'ofport' | 'error'>;

/** Op builders checked against the NB and Open_vSwitch models (table names, columns, value shapes). */
export const nbOp = opsFor<OvnNorthbound.TableMap>();
export const ovsOp = opsFor<OpenVSwitch.TableMap>();
