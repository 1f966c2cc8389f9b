// The node's seam to the wire format: which payload codec speaks for which
// format name (frame 2), and how frames are built and taken apart.
// docs/wire-format.md is the contract; adapters/node/codec/ implements it.

import { pack, unpack } from "msgpackr";

export interface LogField {
  name: string;
  type: string;
}

/** What a log batch's header says (frame 3 of a log-write message). */
export interface LogHeader {
  stream: string;
  writer: string;
  filter: string;
  path: string;
  fields: LogField[];
}

export interface LogBatch {
  header: LogHeader;
  /** One array of values per record, in field order. */
  records: unknown[][];
}

export interface EventPayload {
  name: string;
  args: unknown[];
}

export interface PayloadCodec {
  encodeEvent(name: string, args: unknown[]): Uint8Array;
  decodeEvent(bytes: Uint8Array): EventPayload;
  encodeLogBatch(header: LogHeader, records: unknown[][]): Uint8Array;
  decodeLogBatch(bytes: Uint8Array): LogBatch;
}

export const EVENT_FORMAT = "zmq-cluster-msgpack-v1";
export const LOG_FORMAT = "zmq-cluster-log-msgpack-v1";

/** Placeholder until the typed codec lands: plain MessagePack arrays. */
export const codec: PayloadCodec = {
  encodeEvent: (name, args) => pack([name, args]),
  decodeEvent(bytes) {
    const v = unpack(bytes);
    if (!Array.isArray(v) || typeof v[0] !== "string" || !Array.isArray(v[1])) throw new Error("not an event");
    return { name: v[0], args: v[1] };
  },
  encodeLogBatch: (h, records) => pack([h.stream, h.writer, h.filter, h.path, h.fields.map((f) => [f.name, f.type]), records]),
  decodeLogBatch(bytes) {
    const v = unpack(bytes);
    if (!Array.isArray(v) || v.length !== 6) throw new Error("not a log batch");
    return {
      header: { stream: v[0], writer: v[1], filter: v[2], path: v[3], fields: v[4].map((f: string[]) => ({ name: f[0], type: f[1] })) },
      records: v[5],
    };
  },
};

/** A subscription frame as the XSUB API takes it: 0x01 (or 0x00) + topic. */
export function subscriptionFrame(subscribe: boolean, topic: string): Buffer {
  const t = Buffer.from(topic, "utf8");
  const b = Buffer.allocUnsafe(t.length + 1);
  b[0] = subscribe ? 1 : 0;
  t.copy(b, 1);
  return b;
}
