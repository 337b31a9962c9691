// Models of the OVSDB schema OVN_Southbound 20.27.0, generated from schemas/ovn-sb.ovsschema.
// Do not edit: regenerate with `npm run models -w ovsdb-client`.

export const SCHEMA_NAME = 'OVN_Southbound';
export const SCHEMA_VERSION = '20.27.0';
export const SCHEMA_CKSUM = '4078371916 30328';

/** Row of OVN_Southbound.Address_Set (root table). */
export type AddressSet = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  addresses: string[];
};

/** Row of OVN_Southbound.BFD (root table). */
export type BFD = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  src_port: number;
  disc: number;
  logical_port: string;
  dst_ip: string;
  min_tx: number;
  min_rx: number;
  detect_mult: number;
  status: 'down' | 'init' | 'up' | 'admin_down';
  external_ids: Record<string, string>;
  options: Record<string, string>;
};

/** Row of OVN_Southbound.Chassis (root table). */
export type Chassis = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  hostname: string;
  /** → Encap (strong) */
  encaps: string[];
  vtep_logical_switches: string[];
  nb_cfg: number;
  external_ids: Record<string, string>;
  other_config: Record<string, string>;
  transport_zones: string[];
};

/** Row of OVN_Southbound.Chassis_Private (root table). */
export type ChassisPrivate = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Chassis (weak) */
  chassis: string | undefined;
  nb_cfg: number;
  nb_cfg_timestamp: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Chassis_Template_Var (root table). */
export type ChassisTemplateVar = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  chassis: string;
  variables: Record<string, string>;
};

/** Row of OVN_Southbound.Connection. */
export type Connection = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  target: string;
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  read_only: boolean;
  role: string;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral */
  is_connected: boolean;
  /** ephemeral */
  status: Record<string, string>;
};

/** Row of OVN_Southbound.Controller_Event (root table). */
export type ControllerEvent = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  event_type: 'empty_lb_backends';
  event_info: Record<string, string>;
  /** → Chassis (weak) */
  chassis: string | undefined;
  seq_num: number;
};

/** Row of OVN_Southbound.DHCP_Options (root table). */
export type DHCPOptions = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  code: number;
  type: 'bool' | 'uint8' | 'uint16' | 'uint32' | 'ipv4' | 'static_routes' | 'str' | 'host_id' | 'domains';
};

/** Row of OVN_Southbound.DHCPv6_Options (root table). */
export type DHCPv6Options = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  code: number;
  type: 'ipv6' | 'str' | 'mac';
};

/** Row of OVN_Southbound.DNS (root table). */
export type DNS = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  records: Record<string, string>;
  /** → Datapath_Binding (strong) */
  datapaths: string[];
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Datapath_Binding (root table). */
export type DatapathBinding = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  tunnel_key: number;
  load_balancers: string[];
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Encap. */
export type Encap = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  type: 'geneve' | 'stt' | 'vxlan';
  options: Record<string, string>;
  ip: string;
  chassis_name: string;
};

/** Row of OVN_Southbound.FDB (root table). */
export type FDB = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  mac: string;
  dp_key: number;
  port_key: number;
};

/** Row of OVN_Southbound.Gateway_Chassis. */
export type GatewayChassis = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Chassis (weak) */
  chassis: string | undefined;
  priority: number;
  external_ids: Record<string, string>;
  options: Record<string, string>;
};

/** Row of OVN_Southbound.HA_Chassis. */
export type HAChassis = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Chassis (weak) */
  chassis: string | undefined;
  priority: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.HA_Chassis_Group (root table). */
export type HAChassisGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → HA_Chassis (strong) */
  ha_chassis: string[];
  /** → Chassis (weak) */
  ref_chassis: string[];
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.IGMP_Group (root table). */
export type IGMPGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  address: string;
  /** → Datapath_Binding (weak) */
  datapath: string | undefined;
  /** → Chassis (weak) */
  chassis: string | undefined;
  /** → Port_Binding (weak) */
  ports: string[];
};

/** Row of OVN_Southbound.IP_Multicast (root table). */
export type IPMulticast = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Datapath_Binding (weak) */
  datapath: string;
  enabled: boolean | undefined;
  querier: boolean | undefined;
  eth_src: string;
  ip4_src: string;
  ip6_src: string;
  table_size: number | undefined;
  idle_timeout: number | undefined;
  query_interval: number | undefined;
  query_max_resp: number | undefined;
  seq_no: number;
};

/** Row of OVN_Southbound.Load_Balancer (root table). */
export type LoadBalancer = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  vips: Record<string, string>;
  protocol: 'tcp' | 'udp' | 'sctp' | undefined;
  /** → Datapath_Binding (strong) */
  datapaths: string[];
  /** → Logical_DP_Group (strong) */
  datapath_group: string | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Logical_DP_Group. */
export type LogicalDPGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Datapath_Binding (weak) */
  datapaths: string[];
};

/** Row of OVN_Southbound.Logical_Flow (root table). */
export type LogicalFlow = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Datapath_Binding (strong) */
  logical_datapath: string | undefined;
  /** → Logical_DP_Group (strong) */
  logical_dp_group: string | undefined;
  pipeline: 'ingress' | 'egress';
  table_id: number;
  priority: number;
  match: string;
  actions: string;
  tags: Record<string, string>;
  controller_meter: string | undefined;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.MAC_Binding (root table). */
export type MACBinding = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  logical_port: string;
  ip: string;
  mac: string;
  timestamp: number;
  /** → Datapath_Binding (strong) */
  datapath: string;
};

/** Row of OVN_Southbound.Meter (root table). */
export type Meter = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  unit: 'kbps' | 'pktps';
  /** → Meter_Band (strong) */
  bands: string[];
};

/** Row of OVN_Southbound.Meter_Band. */
export type MeterBand = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  action: 'drop';
  rate: number;
  burst_size: number;
};

/** Row of OVN_Southbound.Mirror (root table). */
export type Mirror = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  filter: 'from-lport' | 'to-lport';
  sink: string;
  type: 'gre' | 'erspan';
  index: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Multicast_Group (root table). */
export type MulticastGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Datapath_Binding (strong) */
  datapath: string;
  name: string;
  tunnel_key: number;
  /** → Port_Binding (weak) */
  ports: string[];
};

/** Row of OVN_Southbound.Port_Binding (root table). */
export type PortBinding = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  logical_port: string;
  type: string;
  /** → Gateway_Chassis (strong) */
  gateway_chassis: string[];
  /** → HA_Chassis_Group (strong) */
  ha_chassis_group: string | undefined;
  options: Record<string, string>;
  /** → Datapath_Binding (strong) */
  datapath: string;
  tunnel_key: number;
  parent_port: string | undefined;
  tag: number | undefined;
  virtual_parent: string | undefined;
  /** → Chassis (weak) */
  chassis: string | undefined;
  /** → Chassis (weak) */
  additional_chassis: string[];
  /** → Encap (weak) */
  encap: string | undefined;
  /** → Encap (weak) */
  additional_encap: string[];
  /** → Mirror (weak) */
  mirror_rules: string[];
  mac: string[];
  port_security: string[];
  nat_addresses: string[];
  up: boolean | undefined;
  external_ids: Record<string, string>;
  /** → Chassis (weak) */
  requested_chassis: string | undefined;
  /** → Chassis (weak) */
  requested_additional_chassis: string[];
};

/** Row of OVN_Southbound.Port_Group (root table). */
export type PortGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  ports: string[];
};

/** Row of OVN_Southbound.RBAC_Permission (root table). */
export type RBACPermission = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  table: string;
  authorization: string[];
  insert_delete: boolean;
  update: string[];
};

/** Row of OVN_Southbound.RBAC_Role (root table). */
export type RBACRole = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → RBAC_Permission (weak) */
  permissions: Record<string, string>;
};

/** Row of OVN_Southbound.SB_Global (root table). */
export type SBGlobal = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  nb_cfg: number;
  external_ids: Record<string, string>;
  /** → Connection (strong) */
  connections: string[];
  /** → SSL (strong) */
  ssl: string | undefined;
  options: Record<string, string>;
  ipsec: boolean;
};

/** Row of OVN_Southbound.SSL. */
export type SSL = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  private_key: string;
  certificate: string;
  ca_cert: string;
  bootstrap_ca_cert: boolean;
  ssl_protocols: string;
  ssl_ciphers: string;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Service_Monitor (root table). */
export type ServiceMonitor = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  ip: string;
  protocol: 'tcp' | 'udp' | undefined;
  port: number;
  logical_port: string;
  src_mac: string;
  src_ip: string;
  status: 'online' | 'offline' | 'error' | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Southbound.Static_MAC_Binding (root table). */
export type StaticMACBinding = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  logical_port: string;
  ip: string;
  mac: string;
  override_dynamic_mac: boolean;
  /** → Datapath_Binding (strong) */
  datapath: string;
};

export const TABLE_NAMES = ['Address_Set', 'BFD', 'Chassis', 'Chassis_Private', 'Chassis_Template_Var', 'Connection', 'Controller_Event', 'DHCP_Options', 'DHCPv6_Options', 'DNS', 'Datapath_Binding', 'Encap', 'FDB', 'Gateway_Chassis', 'HA_Chassis', 'HA_Chassis_Group', 'IGMP_Group', 'IP_Multicast', 'Load_Balancer', 'Logical_DP_Group', 'Logical_Flow', 'MAC_Binding', 'Meter', 'Meter_Band', 'Mirror', 'Multicast_Group', 'Port_Binding', 'Port_Group', 'RBAC_Permission', 'RBAC_Role', 'SB_Global', 'SSL', 'Service_Monitor', 'Static_MAC_Binding'] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** Table name → itself. */
export const Tables = {
  Address_Set: 'Address_Set',
  BFD: 'BFD',
  Chassis: 'Chassis',
  Chassis_Private: 'Chassis_Private',
  Chassis_Template_Var: 'Chassis_Template_Var',
  Connection: 'Connection',
  Controller_Event: 'Controller_Event',
  DHCP_Options: 'DHCP_Options',
  DHCPv6_Options: 'DHCPv6_Options',
  DNS: 'DNS',
  Datapath_Binding: 'Datapath_Binding',
  Encap: 'Encap',
  FDB: 'FDB',
  Gateway_Chassis: 'Gateway_Chassis',
  HA_Chassis: 'HA_Chassis',
  HA_Chassis_Group: 'HA_Chassis_Group',
  IGMP_Group: 'IGMP_Group',
  IP_Multicast: 'IP_Multicast',
  Load_Balancer: 'Load_Balancer',
  Logical_DP_Group: 'Logical_DP_Group',
  Logical_Flow: 'Logical_Flow',
  MAC_Binding: 'MAC_Binding',
  Meter: 'Meter',
  Meter_Band: 'Meter_Band',
  Mirror: 'Mirror',
  Multicast_Group: 'Multicast_Group',
  Port_Binding: 'Port_Binding',
  Port_Group: 'Port_Group',
  RBAC_Permission: 'RBAC_Permission',
  RBAC_Role: 'RBAC_Role',
  SB_Global: 'SB_Global',
  SSL: 'SSL',
  Service_Monitor: 'Service_Monitor',
  Static_MAC_Binding: 'Static_MAC_Binding',
} as const;

/** Table name → row type, for `OvsdbClient<TableMap>`. */
export type TableMap = {
  Address_Set: AddressSet;
  BFD: BFD;
  Chassis: Chassis;
  Chassis_Private: ChassisPrivate;
  Chassis_Template_Var: ChassisTemplateVar;
  Connection: Connection;
  Controller_Event: ControllerEvent;
  DHCP_Options: DHCPOptions;
  DHCPv6_Options: DHCPv6Options;
  DNS: DNS;
  Datapath_Binding: DatapathBinding;
  Encap: Encap;
  FDB: FDB;
  Gateway_Chassis: GatewayChassis;
  HA_Chassis: HAChassis;
  HA_Chassis_Group: HAChassisGroup;
  IGMP_Group: IGMPGroup;
  IP_Multicast: IPMulticast;
  Load_Balancer: LoadBalancer;
  Logical_DP_Group: LogicalDPGroup;
  Logical_Flow: LogicalFlow;
  MAC_Binding: MACBinding;
  Meter: Meter;
  Meter_Band: MeterBand;
  Mirror: Mirror;
  Multicast_Group: MulticastGroup;
  Port_Binding: PortBinding;
  Port_Group: PortGroup;
  RBAC_Permission: RBACPermission;
  RBAC_Role: RBACRole;
  SB_Global: SBGlobal;
  SSL: SSL;
  Service_Monitor: ServiceMonitor;
  Static_MAC_Binding: StaticMACBinding;
};
