// zmq-cluster wire format: the value model, the event and log batch codecs,
// the frame builders/parsers and the format registry.
// The format itself is specified in docs/wire-format.md.

export { CodecError, type CodecErrorCode } from "./errors";
export {
  MAX_NESTING,
  COUNT_MAX,
  INT_MIN,
  INT_MAX,
  PORT_PROTOS,
  type PortProto,
  ZeekInt,
  Addr,
  Subnet,
  Port,
  Time,
  Interval,
  EnumValue,
  ZeekSet,
  ZeekTable,
  type ZeekRecord,
  type ZeekValue,
  type ZeekInput,
  normalize,
  zeekTypeOf,
  count,
  int,
  double,
  addr,
  subnet,
  port,
  time,
  interval,
  enumValue,
  set,
  table,
  vector,
  record,
} from "./values";
export { EXT } from "./msgpack";
export { encodeValue, decodeValue } from "./value-codec";
export {
  EVENT_FORMAT,
  META_NETWORK_TIMESTAMP,
  type MetadataEntry,
  type ZeekEvent,
  type EventMetaInput,
  encodeEvent,
  decodeEvent,
  networkTimestamp,
} from "./event";
export { SCALAR_TYPES, type LogType, parseLogType, formatLogType, checkLogValue, coerceLogValue } from "./types";
export {
  LOG_FORMAT,
  LOG_WRITE_TOPIC,
  type LogField,
  type LogHeader,
  type LogBatch,
  type LogDelivery,
  checkLogFields,
  encodeLogRecord,
  assembleLogBatch,
  encodeLogBatch,
  decodeLogBatch,
} from "./log";
export {
  type FieldSpec,
  type LogSchema,
  logFieldsFromSchema,
  logFieldsFromRecord,
  flattenLogRecord,
  unflattenLogRecord,
} from "./log-schema";
export {
  type Channel,
  type FrameError,
  type ParseResult,
  type EventMessage,
  type LogMessage,
  type Subscription,
  eventMessage,
  logMessage,
  subscriptionFrame,
  unsubscriptionFrame,
  parseEventMessage,
  parseLogMessage,
  parseSubscription,
  frameCountText,
  messageSize,
  oversizedDetail,
  wrongEventFormatText,
  undecodableEventText,
  wrongLogFormatText,
  undecodableLogText,
  escapeBytes,
} from "./frames";
export { type EventCodec, type LogCodec, type DecodeFailure, msgpackEventCodec, msgpackLogCodec, FormatRegistry } from "./registry";
export { type TypedJson, toTypedJson } from "./typed-json";
