// Models of the OVSDB schema Open_vSwitch 8.3.1, generated from schemas/vswitch.ovsschema.
// Do not edit: regenerate with `npm run models -w ovsdb-client`.

export const SCHEMA_NAME = 'Open_vSwitch';
export const SCHEMA_VERSION = '8.3.1';
export const SCHEMA_CKSUM = '3012963480 26720';

/** Row of Open_vSwitch.AutoAttach. */
export type AutoAttach = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  system_name: string;
  system_description: string;
  mappings: Map<number, number>;
};

/** Row of Open_vSwitch.Bridge. */
export type Bridge = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** immutable */
  name: string;
  datapath_type: string;
  datapath_version: string;
  /** ephemeral */
  datapath_id: string | undefined;
  stp_enable: boolean;
  rstp_enable: boolean;
  mcast_snooping_enable: boolean;
  /** → Port (strong) */
  ports: string[];
  /** → Mirror (strong) */
  mirrors: string[];
  /** → NetFlow (strong) */
  netflow: string | undefined;
  /** → sFlow (strong) */
  sflow: string | undefined;
  /** → IPFIX (strong) */
  ipfix: string | undefined;
  /** → Controller (strong) */
  controller: string[];
  protocols: ('OpenFlow10' | 'OpenFlow11' | 'OpenFlow12' | 'OpenFlow13' | 'OpenFlow14' | 'OpenFlow15')[];
  fail_mode: 'standalone' | 'secure' | undefined;
  /** ephemeral */
  status: Record<string, string>;
  /** ephemeral */
  rstp_status: Record<string, string>;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  flood_vlans: number[];
  /** → Flow_Table (strong) */
  flow_tables: Map<number, string>;
  /** → AutoAttach (strong) */
  auto_attach: string | undefined;
};

/** Row of Open_vSwitch.CT_Timeout_Policy. */
export type CTTimeoutPolicy = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  timeouts: Partial<Record<'tcp_syn_sent' | 'tcp_syn_recv' | 'tcp_established' | 'tcp_fin_wait' | 'tcp_close_wait' | 'tcp_last_ack' | 'tcp_time_wait' | 'tcp_close' | 'tcp_syn_sent2' | 'tcp_retransmit' | 'tcp_unack' | 'udp_first' | 'udp_single' | 'udp_multiple' | 'icmp_first' | 'icmp_reply', number>>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.CT_Zone. */
export type CTZone = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → CT_Timeout_Policy (strong) */
  timeout_policy: string | undefined;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.Controller. */
export type Controller = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  type: 'primary' | 'service' | undefined;
  target: string;
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  connection_mode: 'in-band' | 'out-of-band' | undefined;
  local_ip: string | undefined;
  local_netmask: string | undefined;
  local_gateway: string | undefined;
  enable_async_messages: boolean | undefined;
  controller_queue_size: number | undefined;
  controller_rate_limit: number | undefined;
  controller_burst_limit: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral */
  is_connected: boolean;
  /** ephemeral */
  role: 'other' | 'master' | 'slave' | undefined;
  /** ephemeral */
  status: Record<string, string>;
};

/** Row of Open_vSwitch.Datapath. */
export type Datapath = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  datapath_version: string;
  /** → CT_Zone (strong) */
  ct_zones: Map<number, string>;
  capabilities: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.Flow_Sample_Collector_Set (root table). */
export type FlowSampleCollectorSet = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  id: number;
  /** → Bridge (strong) */
  bridge: string;
  /** → IPFIX (strong) */
  ipfix: string | undefined;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.Flow_Table. */
export type FlowTable = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string | undefined;
  flow_limit: number | undefined;
  overflow_policy: 'refuse' | 'evict' | undefined;
  groups: string[];
  prefixes: string[];
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.IPFIX. */
export type IPFIX = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  targets: string[];
  sampling: number | undefined;
  obs_domain_id: number | undefined;
  obs_point_id: number | undefined;
  cache_active_timeout: number | undefined;
  cache_max_flows: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.Interface. */
export type Interface = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** immutable */
  name: string;
  type: string;
  options: Record<string, string>;
  ingress_policing_rate: number;
  ingress_policing_burst: number;
  ingress_policing_kpkts_rate: number;
  ingress_policing_kpkts_burst: number;
  /** ephemeral */
  mac_in_use: string | undefined;
  mac: string | undefined;
  /** ephemeral */
  ifindex: number | undefined;
  external_ids: Record<string, string>;
  ofport: number | undefined;
  ofport_request: number | undefined;
  bfd: Record<string, string>;
  /** ephemeral */
  bfd_status: Record<string, string>;
  cfm_mpid: number | undefined;
  /** ephemeral */
  cfm_remote_mpids: number[];
  cfm_flap_count: number | undefined;
  /** ephemeral */
  cfm_fault: boolean | undefined;
  /** ephemeral */
  cfm_fault_status: string[];
  /** ephemeral */
  cfm_remote_opstate: 'up' | 'down' | undefined;
  /** ephemeral */
  cfm_health: number | undefined;
  /** ephemeral */
  lacp_current: boolean | undefined;
  lldp: Record<string, string>;
  other_config: Record<string, string>;
  /** ephemeral */
  statistics: Record<string, number>;
  /** ephemeral */
  status: Record<string, string>;
  /** ephemeral */
  admin_state: 'up' | 'down' | undefined;
  /** ephemeral */
  link_state: 'up' | 'down' | undefined;
  /** ephemeral */
  link_resets: number | undefined;
  /** ephemeral */
  link_speed: number | undefined;
  /** ephemeral */
  duplex: 'half' | 'full' | undefined;
  /** ephemeral */
  mtu: number | undefined;
  mtu_request: number | undefined;
  error: string | undefined;
};

/** Row of Open_vSwitch.Manager. */
export type Manager = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  target: string;
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  connection_mode: 'in-band' | 'out-of-band' | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral */
  is_connected: boolean;
  /** ephemeral */
  status: Record<string, string>;
};

/** Row of Open_vSwitch.Mirror. */
export type Mirror = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  name: string;
  select_all: boolean;
  /** → Port (weak) */
  select_src_port: string[];
  /** → Port (weak) */
  select_dst_port: string[];
  select_vlan: number[];
  /** → Port (weak) */
  output_port: string | undefined;
  output_vlan: number | undefined;
  snaplen: number | undefined;
  /** ephemeral */
  statistics: Record<string, number>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.NetFlow. */
export type NetFlow = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  targets: string[];
  engine_type: number | undefined;
  engine_id: number | undefined;
  add_id_to_interface: boolean;
  active_timeout: number;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.Open_vSwitch (root table). */
export type OpenVSwitch = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** → Datapath (strong) */
  datapaths: Record<string, string>;
  /** → Bridge (strong) */
  bridges: string[];
  /** → Manager (strong) */
  manager_options: string[];
  /** → SSL (strong) */
  ssl: string | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  next_cfg: number;
  cur_cfg: number;
  /** ephemeral */
  statistics: Record<string, string>;
  ovs_version: string | undefined;
  db_version: string | undefined;
  system_type: string | undefined;
  system_version: string | undefined;
  datapath_types: string[];
  iface_types: string[];
  dpdk_initialized: boolean;
  dpdk_version: string | undefined;
};

/** Row of Open_vSwitch.Port. */
export type Port = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  /** immutable */
  name: string;
  /** → Interface (strong) */
  interfaces: string[];
  trunks: number[];
  cvlans: number[];
  tag: number | undefined;
  vlan_mode: 'trunk' | 'access' | 'native-tagged' | 'native-untagged' | 'dot1q-tunnel' | undefined;
  /** → QoS (strong) */
  qos: string | undefined;
  mac: string | undefined;
  bond_mode: 'balance-tcp' | 'balance-slb' | 'active-backup' | undefined;
  lacp: 'active' | 'passive' | 'off' | undefined;
  bond_updelay: number;
  bond_downdelay: number;
  bond_active_slave: string | undefined;
  bond_fake_iface: boolean;
  fake_bridge: boolean;
  /** ephemeral */
  status: Record<string, string>;
  /** ephemeral */
  rstp_status: Record<string, string>;
  /** ephemeral */
  rstp_statistics: Record<string, number>;
  /** ephemeral */
  statistics: Record<string, number>;
  protected: boolean;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.QoS (root table). */
export type QoS = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  type: string;
  /** → Queue (strong) */
  queues: Map<number, string>;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.Queue (root table). */
export type Queue = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  dscp: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.SSL. */
export type SSL = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  private_key: string;
  certificate: string;
  ca_cert: string;
  bootstrap_ca_cert: boolean;
  external_ids: Record<string, string>;
};

/** Row of Open_vSwitch.sFlow. */
export type SFlow = {
  _uuid: string;
  /** Present when selected or monitored. */
  _version?: string;
  targets: string[];
  sampling: number | undefined;
  polling: number | undefined;
  header: number | undefined;
  agent: string | undefined;
  external_ids: Record<string, string>;
};

export const TABLE_NAMES = ['AutoAttach', 'Bridge', 'CT_Timeout_Policy', 'CT_Zone', 'Controller', 'Datapath', 'Flow_Sample_Collector_Set', 'Flow_Table', 'IPFIX', 'Interface', 'Manager', 'Mirror', 'NetFlow', 'Open_vSwitch', 'Port', 'QoS', 'Queue', 'SSL', 'sFlow'] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** Table name → itself. */
export const Tables = {
  AutoAttach: 'AutoAttach',
  Bridge: 'Bridge',
  CT_Timeout_Policy: 'CT_Timeout_Policy',
  CT_Zone: 'CT_Zone',
  Controller: 'Controller',
  Datapath: 'Datapath',
  Flow_Sample_Collector_Set: 'Flow_Sample_Collector_Set',
  Flow_Table: 'Flow_Table',
  IPFIX: 'IPFIX',
  Interface: 'Interface',
  Manager: 'Manager',
  Mirror: 'Mirror',
  NetFlow: 'NetFlow',
  Open_vSwitch: 'Open_vSwitch',
  Port: 'Port',
  QoS: 'QoS',
  Queue: 'Queue',
  SSL: 'SSL',
  sFlow: 'sFlow',
} as const;

/** Table name → row type, for `OvsdbClient<TableMap>`. */
export type TableMap = {
  AutoAttach: AutoAttach;
  Bridge: Bridge;
  CT_Timeout_Policy: CTTimeoutPolicy;
  CT_Zone: CTZone;
  Controller: Controller;
  Datapath: Datapath;
  Flow_Sample_Collector_Set: FlowSampleCollectorSet;
  Flow_Table: FlowTable;
  IPFIX: IPFIX;
  Interface: Interface;
  Manager: Manager;
  Mirror: Mirror;
  NetFlow: NetFlow;
  Open_vSwitch: OpenVSwitch;
  Port: Port;
  QoS: QoS;
  Queue: Queue;
  SSL: SSL;
  sFlow: SFlow;
};
