// Integer codes shared by every build of the core and by every host.
//
// AssemblyScript has no union types and no string enums, so kinds cross the
// JS <-> Wasm boundary as small integers. The numbers are part of the Wasm ABI
// (docs/wasm-abi.md): never renumber, only append.

/** Cluster::NodeType (scripts/base/frameworks/cluster/main.zeek). */
export const NODE_NONE: i32 = 0;
export const NODE_MANAGER: i32 = 1;
export const NODE_LOGGER: i32 = 2;
export const NODE_PROXY: i32 = 3;
export const NODE_WORKER: i32 = 4;

/** What the host must do or report after an input (see Output in outputs.ts). */
export const OUT_SUBSCRIPTION: i32 = 1; // raise Cluster::Backend::ZeroMQ::subscription(topic)
export const OUT_UNSUBSCRIPTION: i32 = 2; // raise Cluster::Backend::ZeroMQ::unsubscription(topic)
export const OUT_PUBLISH: i32 = 3; // publish event(name, id) to topic
export const OUT_NODE_UP: i32 = 4; // Cluster::node_up(name, id)
export const OUT_NODE_DOWN: i32 = 5; // Cluster::node_down(name, id)
export const OUT_CLUSTER_LOG: i32 = 6; // a line for the `cluster` log stream
export const OUT_WARNING: i32 = 7; // Reporter::warning with upstream's text
export const OUT_ERROR: i32 = 8; // Reporter::error with upstream's text
export const OUT_LOG_BATCH: i32 = 9; // send `count` records of log stream `key` to the loggers
export const OUT_DIAGNOSTIC: i32 = 10; // a `[zeromq] ...` stderr line (upstream's I/O-thread output)

/** Channels a received message can arrive on (upstream's I/O-thread socket handlers). */
export const CHANNEL_XSUB: i32 = 0; // events from the broker
export const CHANNEL_XPUB: i32 = 1; // subscription frames from the broker
export const CHANNEL_LOG: i32 = 2; // log batches on a logger's PULL

/** Why a received message was rejected (reportMalformed). */
export const MALFORMED_FRAME_COUNT: i32 = 1;
export const MALFORMED_UNKNOWN_FORMAT: i32 = 2;
export const MALFORMED_UNDECODABLE: i32 = 3;
export const MALFORMED_OVERSIZED: i32 = 4;

/** Event names the membership handshake understands (frame 3 payload names). */
export const EVENT_ZEROMQ_HELLO = "Cluster::Backend::ZeroMQ::hello";
export const EVENT_CLUSTER_HELLO = "Cluster::hello";
