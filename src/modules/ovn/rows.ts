/** The columns the driver monitors, as ovsdb-client decodes them (sets → arrays, string maps → objects). */
export interface SwitchRow {
  _uuid: string;
  name: string;
  ports: string[];
  external_ids: Record<string, string>;
}

export interface SwitchPortRow {
  _uuid: string;
  name: string;
  addresses: string[];
  port_security: string[];
  external_ids: Record<string, string>;
  up?: boolean;
  type: string;
}

export interface BridgeRow {
  _uuid: string;
  name: string;
  ports: string[];
}

export interface PortRow {
  _uuid: string;
  name: string;
  interfaces: string[];
  external_ids: Record<string, string>;
}

export interface InterfaceRow {
  _uuid: string;
  name: string;
  type: string;
  external_ids: Record<string, string>;
  ofport?: number | bigint;
  error?: string;
}

export interface RouterRow {
  _uuid: string;
  name: string;
  ports: string[];
  external_ids: Record<string, string>;
}
