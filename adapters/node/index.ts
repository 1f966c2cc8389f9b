// zmq-cluster's Node entry: a cluster node over libzmq, the central broker,
// options and layout validation, and the wire format.

export { ClusterNode, startNode, defaultLogPath, CLUSTER_LOG_STREAM } from "./node";
export type { NodeConfig, NodeCounters, ReceivedEvent, ReceivedLogBatch, LogOptions } from "./node";
export { Client } from "./client";
export type { ClientConfig, ClientCounters, ClientEvent } from "./client";
export { startBroker, DEFAULT_BROKER_ENGINE } from "./broker";
export type { Broker, BrokerEngine, BrokerOptions, BrokerStats } from "./broker";
export { nodeOptionsSchema, resolveOptions, OptionsError } from "./options";
export type { NodeOptions, NodeOptionsInput } from "./options";
export { SOCKET_OPTION_TABLE } from "./socket-options";
export { clusterLayoutSchema, parseLayout, LayoutError, NODE_TYPES } from "./layout";
export type { ClusterLayout, ClusterLayoutInput, NodeTypeName } from "./layout";
export { BindError, ConnectError, StartError, FATAL_INIT, FATAL_PROXY } from "./errors";
export { EVENT_FORMAT, LOG_FORMAT } from "./wire";
export type { LogBatch, LogDelivery, LogHeader, LogField, PayloadCodec } from "./wire";
export { LOG_ACK_EVENT } from "./log-acks";
export type { LogChannelState } from "./log-acks";
export type { LogReceiverStatus } from "./log-channels";
