// The node's seam to the wire format: the payload codec the node speaks and
// the format names it puts in frame 2. docs/wire-format.md is the contract;
// adapters/node/codec/ implements it. A host that wants another payload
// format (e.g. upstream's broker-bin-v1) passes its own PayloadCodec.

import {
  decodeEvent,
  decodeLogBatch,
  encodeEvent,
  encodeLogBatch,
  EVENT_FORMAT,
  LOG_FORMAT,
  type LogBatch,
  type LogDelivery,
  type LogField,
  type LogHeader,
  type ZeekEvent,
  type ZeekInput,
} from "./codec/index";

export { EVENT_FORMAT, LOG_FORMAT };
export type { LogBatch, LogDelivery, LogField, LogHeader };

export interface PayloadCodec {
  /** Frame 2 of events. */
  eventFormat: string;
  /** Frame 2 of log batches. */
  logFormat: string;
  encodeEvent(name: string, args: readonly ZeekInput[]): Uint8Array;
  /** Throws (CodecError) on a payload that does not decode. */
  decodeEvent(bytes: Uint8Array): ZeekEvent;
  /** `delivery`: the optional header keys of acknowledged log delivery (a codec may ignore it; then no logger acknowledges). */
  encodeLogBatch(header: LogHeader, records: readonly (readonly ZeekInput[])[], delivery?: LogDelivery): Uint8Array;
  /** Throws (CodecError) on a batch that does not decode. */
  decodeLogBatch(bytes: Uint8Array): LogBatch;
}

/** The documented MessagePack formats (docs/wire-format.md). */
export const codec: PayloadCodec = {
  eventFormat: EVENT_FORMAT,
  logFormat: LOG_FORMAT,
  encodeEvent,
  decodeEvent,
  encodeLogBatch,
  decodeLogBatch,
};

/** A subscription frame as the XSUB API takes it: 0x01 (or 0x00) + topic. */
export function subscriptionFrame(subscribe: boolean, topic: string): Buffer {
  const t = Buffer.from(topic, "utf8");
  const b = Buffer.allocUnsafe(t.length + 1);
  b[0] = subscribe ? 1 : 0;
  t.copy(b, 1);
  return b;
}
