// The log record every log stage writes: conn.log's shape, 10 columns once
// `id` is flattened (ts, uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p,
// proto, duration, orig_bytes, conn_state), with Zeek's types.

import { addr, count, enumValue, interval, port, time, type LogSchema, type ZeekInput } from "../adapters/node/codec/index";

export const CONN_SCHEMA: LogSchema = {
  ts: "time",
  uid: "string",
  id: { record: { orig_h: "addr", orig_p: "port", resp_h: "addr", resp_p: "port" } },
  proto: "enum",
  duration: "interval",
  orig_bytes: "count",
  conn_state: "string",
};

const T0 = 1_764_000_000;

export function connRecord(i: number): Record<string, ZeekInput> {
  return {
    ts: time(T0 + i * 0.001),
    uid: `C${(i * 2654435761 >>> 0).toString(36).padStart(7, "0")}bench`,
    id: {
      orig_h: addr(`10.0.${(i >> 8) & 255}.${i & 255}`),
      orig_p: port(1024 + (i % 60000), "tcp"),
      resp_h: addr("192.168.1.1"),
      resp_p: port(443, "tcp"),
    },
    proto: enumValue("tcp"),
    duration: interval(0.25 + (i % 100) / 1000),
    orig_bytes: count(1000 + i),
    conn_state: "SF",
  };
}

/**
 * The same information as plain MessagePack-able values (what a codec with
 * no Zeek types would carry): the codec-limit baseline encodes these.
 */
export function connRow(i: number): unknown[] {
  return [
    T0 + i * 0.001,
    `C${(i * 2654435761 >>> 0).toString(36).padStart(7, "0")}bench`,
    `10.0.${(i >> 8) & 255}.${i & 255}`,
    1024 + (i % 60000),
    "192.168.1.1",
    443,
    "tcp",
    0.25 + (i % 100) / 1000,
    1000 + i,
    "SF",
  ];
}
