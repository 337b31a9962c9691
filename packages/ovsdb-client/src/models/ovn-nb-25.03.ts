// Models of the OVSDB schema OVN_Northbound 7.11.0, generated from schemas/ovn-nb-25.03.ovsschema.
// Do not edit: regenerate with `npm run models -w ovsdb-client`.

export const SCHEMA_NAME = 'OVN_Northbound';
export const SCHEMA_VERSION = '7.11.0';
export const SCHEMA_CKSUM = '2520708261 39034';

/** Row of OVN_Northbound.ACL. */
export type ACL = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string | undefined;
  priority: number;
  direction: 'from-lport' | 'to-lport';
  match: string;
  action: 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject' | 'pass';
  log: boolean;
  severity: 'alert' | 'warning' | 'notice' | 'info' | 'debug' | undefined;
  meter: string | undefined;
  label: number;
  tier: number;
  /** → Sample (strong) */
  sample_new: string | undefined;
  /** → Sample (strong) */
  sample_est: string | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Address_Set (root table). */
export type AddressSet = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  addresses: string[];
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.BFD (root table). */
export type BFD = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  logical_port: string;
  dst_ip: string;
  min_tx: number | undefined;
  min_rx: number | undefined;
  detect_mult: number | undefined;
  status: 'down' | 'init' | 'up' | 'admin_down' | undefined;
  external_ids: Record<string, string>;
  options: Record<string, string>;
};

/** Row of OVN_Northbound.Chassis_Template_Var (root table). */
export type ChassisTemplateVar = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  chassis: string;
  variables: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Connection. */
export type Connection = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  target: string;
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral */
  is_connected: boolean;
  /** ephemeral */
  status: Record<string, string>;
};

/** Row of OVN_Northbound.Copp (root table). */
export type Copp = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  meters: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.DHCP_Options (root table). */
export type DHCPOptions = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  cidr: string;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.DHCP_Relay (root table). */
export type DHCPRelay = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  servers: string | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.DNS (root table). */
export type DNS = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  records: Record<string, string>;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Forwarding_Group. */
export type ForwardingGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  vip: string;
  vmac: string;
  liveness: boolean;
  external_ids: Record<string, string>;
  child_port: string[];
};

/** Row of OVN_Northbound.Gateway_Chassis. */
export type GatewayChassis = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  chassis_name: string;
  priority: number;
  external_ids: Record<string, string>;
  options: Record<string, string>;
};

/** Row of OVN_Northbound.HA_Chassis. */
export type HAChassis = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  chassis_name: string;
  priority: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.HA_Chassis_Group (root table). */
export type HAChassisGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → HA_Chassis (strong) */
  ha_chassis: string[];
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Load_Balancer (root table). */
export type LoadBalancer = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  vips: Record<string, string>;
  protocol: 'tcp' | 'udp' | 'sctp' | undefined;
  /** → Load_Balancer_Health_Check (strong) */
  health_check: string[];
  ip_port_mappings: Record<string, string>;
  selection_fields: ('eth_src' | 'eth_dst' | 'ip_src' | 'ip_dst' | 'ipv6_src' | 'ipv6_dst' | 'tp_src' | 'tp_dst')[];
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Load_Balancer_Group (root table). */
export type LoadBalancerGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Load_Balancer (weak) */
  load_balancer: string[];
};

/** Row of OVN_Northbound.Load_Balancer_Health_Check. */
export type LoadBalancerHealthCheck = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  vip: string;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Logical_Router (root table). */
export type LogicalRouter = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Logical_Router_Port (strong) */
  ports: string[];
  /** → Logical_Router_Static_Route (strong) */
  static_routes: string[];
  /** → Logical_Router_Policy (strong) */
  policies: string[];
  enabled: boolean | undefined;
  /** → NAT (strong) */
  nat: string[];
  /** → Load_Balancer (weak) */
  load_balancer: string[];
  /** → Load_Balancer_Group (strong) */
  load_balancer_group: string[];
  /** → Copp (weak) */
  copp: string | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Logical_Router_Policy. */
export type LogicalRouterPolicy = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  priority: number;
  chain: string | undefined;
  match: string;
  action: 'allow' | 'drop' | 'reroute' | 'jump';
  jump_chain: string | undefined;
  nexthop: string | undefined;
  nexthops: string[];
  /** → BFD (weak) */
  bfd_sessions: string[];
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Logical_Router_Port. */
export type LogicalRouterPort = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Gateway_Chassis (strong) */
  gateway_chassis: string[];
  /** → HA_Chassis_Group (strong) */
  ha_chassis_group: string | undefined;
  options: Record<string, string>;
  networks: string[];
  mac: string;
  peer: string | undefined;
  enabled: boolean | undefined;
  ipv6_ra_configs: Record<string, string>;
  ipv6_prefix: string[];
  /** → DHCP_Relay (strong) */
  dhcp_relay: string | undefined;
  external_ids: Record<string, string>;
  status: Record<string, string>;
};

/** Row of OVN_Northbound.Logical_Router_Static_Route. */
export type LogicalRouterStaticRoute = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  route_table: string;
  ip_prefix: string;
  policy: 'src-ip' | 'dst-ip' | undefined;
  nexthop: string;
  output_port: string | undefined;
  /** → BFD (weak) */
  bfd: string | undefined;
  selection_fields: ('eth_src' | 'eth_dst' | 'ip_proto' | 'ip_src' | 'ip_dst' | 'ipv6_src' | 'ipv6_dst' | 'tp_src' | 'tp_dst')[];
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Logical_Switch (root table). */
export type LogicalSwitch = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Logical_Switch_Port (strong) */
  ports: string[];
  /** → ACL (strong) */
  acls: string[];
  /** → QoS (strong) */
  qos_rules: string[];
  /** → Load_Balancer (weak) */
  load_balancer: string[];
  /** → Load_Balancer_Group (strong) */
  load_balancer_group: string[];
  /** → DNS (weak) */
  dns_records: string[];
  /** → Copp (weak) */
  copp: string | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** → Forwarding_Group (strong) */
  forwarding_groups: string[];
};

/** Row of OVN_Northbound.Logical_Switch_Port. */
export type LogicalSwitchPort = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  type: string;
  options: Record<string, string>;
  parent_name: string | undefined;
  tag_request: number | undefined;
  tag: number | undefined;
  addresses: string[];
  dynamic_addresses: string | undefined;
  port_security: string[];
  peer: string | undefined;
  up: boolean | undefined;
  enabled: boolean | undefined;
  /** → DHCP_Options (weak) */
  dhcpv4_options: string | undefined;
  /** → DHCP_Options (weak) */
  dhcpv6_options: string | undefined;
  /** → Mirror (weak) */
  mirror_rules: string[];
  /** → HA_Chassis_Group (strong) */
  ha_chassis_group: string | undefined;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Meter (root table). */
export type Meter = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  unit: 'kbps' | 'pktps';
  /** → Meter_Band (strong) */
  bands: string[];
  fair: boolean | undefined;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Meter_Band. */
export type MeterBand = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  action: 'drop';
  rate: number;
  burst_size: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Mirror (root table). */
export type Mirror = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  filter: 'from-lport' | 'to-lport' | 'both';
  sink: string;
  type: 'gre' | 'erspan' | 'local';
  index: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.NAT. */
export type NAT = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  external_ip: string;
  external_mac: string | undefined;
  external_port_range: string;
  logical_ip: string;
  logical_port: string | undefined;
  type: 'dnat' | 'snat' | 'dnat_and_snat';
  /** → Address_Set (strong) */
  allowed_ext_ips: string | undefined;
  /** → Address_Set (strong) */
  exempted_ext_ips: string | undefined;
  /** → Logical_Router_Port (weak) */
  gateway_port: string | undefined;
  priority: number;
  match: string;
  options: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.NB_Global (root table). */
export type NBGlobal = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  nb_cfg: number;
  nb_cfg_timestamp: number;
  sb_cfg: number;
  sb_cfg_timestamp: number;
  hv_cfg: number;
  hv_cfg_timestamp: number;
  external_ids: Record<string, string>;
  /** → Connection (strong) */
  connections: string[];
  /** → SSL (strong) */
  ssl: string | undefined;
  options: Record<string, string>;
  ipsec: boolean;
};

/** Row of OVN_Northbound.Port_Group (root table). */
export type PortGroup = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  /** → Logical_Switch_Port (weak) */
  ports: string[];
  /** → ACL (strong) */
  acls: string[];
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.QoS. */
export type QoS = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  priority: number;
  direction: 'from-lport' | 'to-lport';
  match: string;
  action: Partial<Record<'dscp' | 'mark', number>>;
  bandwidth: Partial<Record<'rate' | 'burst', number>>;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.SSL. */
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
  ssl_ciphersuites: string;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Sample. */
export type Sample = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Sample_Collector (strong) */
  collectors: string[];
  metadata: number;
};

/** Row of OVN_Northbound.Sample_Collector (root table). */
export type SampleCollector = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  id: number;
  name: string;
  probability: number;
  set_id: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Sampling_App (root table). */
export type SamplingApp = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  type: 'drop' | 'acl-new' | 'acl-est';
  id: number;
  external_ids: Record<string, string>;
};

/** Row of OVN_Northbound.Static_MAC_Binding (root table). */
export type StaticMACBinding = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  logical_port: string;
  ip: string;
  mac: string;
  override_dynamic_mac: boolean;
};

export const TABLE_NAMES = ['ACL', 'Address_Set', 'BFD', 'Chassis_Template_Var', 'Connection', 'Copp', 'DHCP_Options', 'DHCP_Relay', 'DNS', 'Forwarding_Group', 'Gateway_Chassis', 'HA_Chassis', 'HA_Chassis_Group', 'Load_Balancer', 'Load_Balancer_Group', 'Load_Balancer_Health_Check', 'Logical_Router', 'Logical_Router_Policy', 'Logical_Router_Port', 'Logical_Router_Static_Route', 'Logical_Switch', 'Logical_Switch_Port', 'Meter', 'Meter_Band', 'Mirror', 'NAT', 'NB_Global', 'Port_Group', 'QoS', 'SSL', 'Sample', 'Sample_Collector', 'Sampling_App', 'Static_MAC_Binding'] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** Table name → itself. */
export const Tables = {
  ACL: 'ACL',
  Address_Set: 'Address_Set',
  BFD: 'BFD',
  Chassis_Template_Var: 'Chassis_Template_Var',
  Connection: 'Connection',
  Copp: 'Copp',
  DHCP_Options: 'DHCP_Options',
  DHCP_Relay: 'DHCP_Relay',
  DNS: 'DNS',
  Forwarding_Group: 'Forwarding_Group',
  Gateway_Chassis: 'Gateway_Chassis',
  HA_Chassis: 'HA_Chassis',
  HA_Chassis_Group: 'HA_Chassis_Group',
  Load_Balancer: 'Load_Balancer',
  Load_Balancer_Group: 'Load_Balancer_Group',
  Load_Balancer_Health_Check: 'Load_Balancer_Health_Check',
  Logical_Router: 'Logical_Router',
  Logical_Router_Policy: 'Logical_Router_Policy',
  Logical_Router_Port: 'Logical_Router_Port',
  Logical_Router_Static_Route: 'Logical_Router_Static_Route',
  Logical_Switch: 'Logical_Switch',
  Logical_Switch_Port: 'Logical_Switch_Port',
  Meter: 'Meter',
  Meter_Band: 'Meter_Band',
  Mirror: 'Mirror',
  NAT: 'NAT',
  NB_Global: 'NB_Global',
  Port_Group: 'Port_Group',
  QoS: 'QoS',
  SSL: 'SSL',
  Sample: 'Sample',
  Sample_Collector: 'Sample_Collector',
  Sampling_App: 'Sampling_App',
  Static_MAC_Binding: 'Static_MAC_Binding',
} as const;

/** Table name → row type, for `OvsdbClient<TableMap>`. */
export type TableMap = {
  ACL: ACL;
  Address_Set: AddressSet;
  BFD: BFD;
  Chassis_Template_Var: ChassisTemplateVar;
  Connection: Connection;
  Copp: Copp;
  DHCP_Options: DHCPOptions;
  DHCP_Relay: DHCPRelay;
  DNS: DNS;
  Forwarding_Group: ForwardingGroup;
  Gateway_Chassis: GatewayChassis;
  HA_Chassis: HAChassis;
  HA_Chassis_Group: HAChassisGroup;
  Load_Balancer: LoadBalancer;
  Load_Balancer_Group: LoadBalancerGroup;
  Load_Balancer_Health_Check: LoadBalancerHealthCheck;
  Logical_Router: LogicalRouter;
  Logical_Router_Policy: LogicalRouterPolicy;
  Logical_Router_Port: LogicalRouterPort;
  Logical_Router_Static_Route: LogicalRouterStaticRoute;
  Logical_Switch: LogicalSwitch;
  Logical_Switch_Port: LogicalSwitchPort;
  Meter: Meter;
  Meter_Band: MeterBand;
  Mirror: Mirror;
  NAT: NAT;
  NB_Global: NBGlobal;
  Port_Group: PortGroup;
  QoS: QoS;
  SSL: SSL;
  Sample: Sample;
  Sample_Collector: SampleCollector;
  Sampling_App: SamplingApp;
  Static_MAC_Binding: StaticMACBinding;
};
