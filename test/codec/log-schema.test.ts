// Flattening nested records to Zeek's `id.orig_h` columns, from a schema or from the first record.

import { describe, expect, it } from "vitest";
import {
  addr,
  decodeLogBatch,
  encodeLogBatch,
  flattenLogRecord,
  int,
  logFieldsFromRecord,
  logFieldsFromSchema,
  port,
  set,
  time,
  toTypedJson,
  unflattenLogRecord,
  type LogSchema,
} from "../../adapters/node/codec/index";

const connSchema: LogSchema = {
  ts: "time",
  uid: "string",
  id: { record: { orig_h: "addr", orig_p: "port", resp_h: "addr", resp_p: "port" } },
  proto: "enum",
  service: { type: "string", optional: true },
  orig_bytes: { type: "count", optional: true },
  tunnel: { record: { parents: "set[string]" }, optional: true },
};

describe("log fields from a schema", () => {
  it("unrolls nested records, and an optional record makes its fields optional", () => {
    expect(logFieldsFromSchema(connSchema)).toEqual([
      { name: "ts", type: "time", optional: false },
      { name: "uid", type: "string", optional: false },
      { name: "id.orig_h", type: "addr", optional: false },
      { name: "id.orig_p", type: "port", optional: false },
      { name: "id.resp_h", type: "addr", optional: false },
      { name: "id.resp_p", type: "port", optional: false },
      { name: "proto", type: "enum", optional: false },
      { name: "service", type: "string", optional: true },
      { name: "orig_bytes", type: "count", optional: true },
      { name: "tunnel.parents", type: "set[string]", optional: true },
    ]);
    expect(() => logFieldsFromSchema({ x: "float" })).toThrow(/x: not a log field type: "float"/);
    expect(() => logFieldsFromSchema({ x: 5 as never })).toThrow(/a field spec is/);
  });

  it("flattens nested and already-flat records, coercing to the field types", () => {
    const fields = logFieldsFromSchema(connSchema);
    const nested = {
      ts: new Date(1500),
      uid: "C1",
      id: { orig_h: "10.0.0.1", orig_p: "1234/tcp", resp_h: addr("10.0.0.2"), resp_p: port(80, "tcp") },
      proto: "tcp",
      orig_bytes: 10,
    };
    const flat = { ts: 1.5, uid: "C1", "id.orig_h": "10.0.0.1", "id.orig_p": "1234/tcp", "id.resp_h": "10.0.0.2", "id.resp_p": "80/tcp", proto: "tcp", orig_bytes: 10n };
    const a = flattenLogRecord(nested, fields);
    const b = flattenLogRecord(flat, fields);
    expect(a.map(toTypedJson)).toEqual(b.map(toTypedJson));
    expect(a.map(toTypedJson)).toEqual([
      ["time", 1.5],
      ["string", "C1"],
      ["addr", "10.0.0.1"],
      ["port", "1234/tcp"],
      ["addr", "10.0.0.2"],
      ["port", "80/tcp"],
      ["enum", "tcp"],
      null,
      ["count", "10"],
      null,
    ]);
    const header = { stream: "Conn::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "conn", fields };
    const back = decodeLogBatch(encodeLogBatch(header, [a]));
    expect(toTypedJson(unflattenLogRecord(fields, back.records[0]!))).toEqual(
      toTypedJson({
        ts: time(1.5),
        uid: "C1",
        id: { orig_h: addr("10.0.0.1"), orig_p: port(1234, "tcp"), resp_h: addr("10.0.0.2"), resp_p: port(80, "tcp") },
        proto: back.records[0]![6]!,
        service: null,
        orig_bytes: 10n,
        tunnel: { parents: null },
      }),
    );
  });

  it("a leaf that is not a field is an error, not silently dropped", () => {
    const fields = logFieldsFromSchema(connSchema);
    expect(() => flattenLogRecord({ ts: 1, id: { orig_hh: "10.0.0.1" } }, fields)).toThrow(/id.orig_hh: not a field of this log stream/);
    expect(() => flattenLogRecord({ orig_bytes: -1 }, fields)).toThrow(/orig_bytes: expected count, got number/);
  });
});

describe("log fields from the first record", () => {
  it("derives types from values (number -> double, bigint -> count) and marks fields optional", () => {
    const fields = logFieldsFromRecord({ ts: time(1), id: { h: addr("::1"), p: port(1, "udp") }, n: 1n, d: 1, i: int(-1), tags: set(["a"]), v: [1n], raw: Uint8Array.of(1) });
    expect(fields).toEqual([
      { name: "ts", type: "time", optional: true },
      { name: "id.h", type: "addr", optional: true },
      { name: "id.p", type: "port", optional: true },
      { name: "n", type: "count", optional: true },
      { name: "d", type: "double", optional: true },
      { name: "i", type: "int", optional: true },
      { name: "tags", type: "set[string]", optional: true },
      { name: "v", type: "vector[count]", optional: true },
      { name: "raw", type: "string", optional: true },
    ]);
  });

  it("cannot derive from null or an empty container", () => {
    expect(() => logFieldsFromRecord({ a: null })).toThrow(/a: cannot derive a log field type/);
    expect(() => logFieldsFromRecord({ a: [] })).toThrow(/pass a schema/);
    expect(() => logFieldsFromRecord({ a: new Map([["k", 1]]) })).toThrow(/not a log field type: "table\[string\] of double"/);
  });
});
