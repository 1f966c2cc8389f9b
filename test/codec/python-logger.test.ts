// Interop: tools/python/logger.py (Python's zmq + msgpack, written from
// docs/wire-format.md) receives batches from a real zeromq Push socket and
// must print exactly the values we encoded, for every log field type.

import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Push } from "zeromq";
import {
  addr,
  encodeLogBatch,
  enumValue,
  int,
  interval,
  LOG_FORMAT,
  logFieldsFromSchema,
  logMessage,
  port,
  set,
  subnet,
  time,
  toTypedJson,
  type LogField,
  type LogHeader,
  type ZeekValue,
} from "../../adapters/node/codec/index";
import { addrArb, countArb, doubleArb, enumArb, intArb, portArb, subnetArb, text } from "./arbitraries";
import { PythonTool } from "./python-helpers";

const SENDER = "zeromq_worker-1_host_4711_NTest";
const WAIT = 15_000;

let tools: PythonTool[] = [];
let sockets: Push[] = [];
afterEach(() => {
  for (const t of tools) t.kill();
  for (const s of sockets) s.close();
  tools = [];
  sockets = [];
});

async function startLogger(args: string[]): Promise<{ logger: PythonTool; push: Push }> {
  const logger = new PythonTool("logger.py", args);
  tools.push(logger);
  const ready = JSON.parse(await logger.nextLine(WAIT, "logger.py ready line")) as { ready: string };
  expect(ready.ready).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  const push = new Push({ linger: 0 });
  sockets.push(push);
  push.connect(ready.ready);
  return { logger, push };
}

function expectedLines(header: LogHeader, rows: ZeekValue[][]): unknown[] {
  return rows.map((row) => ({
    path: header.path,
    stream: header.stream,
    writer: header.writer,
    filter: header.filter,
    sender: SENDER,
    record: Object.fromEntries(header.fields.map((f, i) => [f.name, toTypedJson(row[i]!)])),
  }));
}

async function readLines(logger: PythonTool, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(JSON.parse(await logger.nextLine(WAIT, `logger.py record line ${i + 1} of ${n}`)));
  return out;
}

const allTypes: LogField[] = logFieldsFromSchema({
  ts: "time",
  uid: "string",
  id: { record: { orig_h: "addr", orig_p: "port", resp_h: "addr", resp_p: "port" } },
  net: { type: "subnet", optional: true },
  proto: { type: "enum", optional: true },
  duration: { type: "interval", optional: true },
  orig_bytes: { type: "count", optional: true },
  delta: { type: "int", optional: true },
  ratio: { type: "double", optional: true },
  ok: { type: "bool", optional: true },
  raw: { type: "string", optional: true },
  tags: { type: "set[string]", optional: true },
  nets: { type: "set[subnet]", optional: true },
  counts: { type: "vector[count]", optional: true },
  hops: { type: "vector[addr]", optional: true },
  ports: { type: "set[port]", optional: true },
  times: { type: "vector[time]", optional: true },
});

describe("tools/python/logger.py", () => {
  it("decodes every log field type exactly as written (edge values, unset fields)", async () => {
    const { logger, push } = await startLogger(["--typed"]);
    const header: LogHeader = { stream: "Conn::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "conn", fields: allTypes };
    const rows: ZeekValue[][] = [
      [
        time(1700000000.123456),
        "CHhAvVGS1DHFjwGM9",
        addr("10.0.0.1"),
        port(49152, "tcp"),
        addr("2001:db8::ff00:42:8329"),
        port(443, "tcp"),
        subnet("192.168.0.0/16"),
        enumValue("Transport::TCP"),
        interval(0.25),
        2n ** 64n - 1n,
        int(-(2n ** 63n)),
        -0,
        true,
        Uint8Array.of(0xff, 0x00, 0x5c, 0x41),
        set(["a", "b", "ü€😀"]),
        set([subnet("2001:db8::/32"), subnet("::ffff:10.0.0.0/104")]),
        [0n, 255n, 256n, 2n ** 32n, 2n ** 53n + 1n],
        [addr("::"), addr("::1.2.3.4"), addr("fe80::1")],
        set([port(53, "udp"), port(8, "icmp"), port(0, "unknown")]),
        [time(0), time(-1.5)],
      ],
      [time(1), "C2", addr("0.0.0.0"), port(0, "udp"), addr("255.255.255.255"), port(65535, "udp"), null, null, null, null, null, NaN, false, "", set([]), null, [], null, null, null],
      [time(2), "C3", addr("1.2.3.4"), port(1, "icmp"), addr("::1"), port(2, "icmp"), null, null, interval(-Infinity), 0n, int(2n ** 63n - 1n), Infinity, null, null, null, null, null, null, null, null],
    ];
    await push.send(logMessage(SENDER, LOG_FORMAT, encodeLogBatch(header, rows)));
    expect(await readLines(logger, rows.length)).toEqual(expectedLines(header, rows));
  });

  it("decodes random records of every type (200 records in 4 batches)", async () => {
    const { logger, push } = await startLogger(["--typed"]);
    const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
    const row = fc.tuple(
      doubleArb.map(time),
      text,
      addrArb,
      portArb,
      addrArb,
      portArb,
      opt(subnetArb),
      opt(enumArb),
      opt(doubleArb.map(interval)),
      opt(countArb),
      opt(intArb),
      opt(doubleArb),
      opt(fc.boolean()),
      opt(fc.oneof(text, fc.uint8Array({ maxLength: 10 }))),
      opt(fc.array(text, { maxLength: 3 }).map(set)),
      opt(fc.array(subnetArb, { maxLength: 3 }).map(set)),
      opt(fc.array(countArb, { maxLength: 3 })),
      opt(fc.array(addrArb, { maxLength: 3 })),
      opt(fc.array(portArb, { maxLength: 3 }).map(set)),
      opt(fc.array(doubleArb.map(time), { maxLength: 3 })),
    ) as fc.Arbitrary<ZeekValue[]>;
    const rows = fc.sample(row, { numRuns: 200, seed: 4711 });
    const header: LogHeader = { stream: "Rand::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "rand", fields: allTypes };
    for (let b = 0; b < 4; b++) await push.send(logMessage(SENDER, LOG_FORMAT, encodeLogBatch(header, rows.slice(b * 50, b * 50 + 50))));
    expect(await readLines(logger, rows.length)).toEqual(expectedLines(header, rows));
  });

  it("drops bad messages with upstream's texts and keeps going", async () => {
    const { logger, push } = await startLogger(["--typed"]);
    const header: LogHeader = {
      stream: "Demo::LOG",
      writer: "Log::WRITER_ASCII",
      filter: "default",
      path: "demo",
      fields: [{ name: "n", type: "count", optional: false }],
    };
    await push.send([Buffer.from("log-write"), Buffer.from(SENDER)]);
    await logger.stderrContains("[zeromq] log: error: expected 4 parts, have 2!", WAIT);
    await push.send(logMessage(SENDER, "zeek-bin-serializer", Uint8Array.of(0)));
    await logger.stderrContains("Got log message in format 'zeek-bin-serializer', but have deserializer 'zmq-cluster-log-msgpack-v1'", WAIT);
    await push.send(logMessage(SENDER, LOG_FORMAT, Uint8Array.of(0x92, 0x85)));
    await logger.stderrContains("Failed to unserialize log message using 'zmq-cluster-log-msgpack-v1'", WAIT);
    await push.send(logMessage(SENDER, LOG_FORMAT, encodeLogBatch(header, [[7n]])));
    expect(await readLines(logger, 1)).toEqual(expectedLines(header, [[7n]]));
  });

  it("prints Zeek-JSON-style records by default", async () => {
    const { logger, push } = await startLogger(["--count", "1"]);
    const header: LogHeader = {
      stream: "Conn::LOG",
      writer: "Log::WRITER_ASCII",
      filter: "default",
      path: "conn",
      fields: logFieldsFromSchema({ ts: "time", id: { record: { orig_h: "addr", orig_p: "port" } }, n: "count", svc: { type: "string", optional: true }, tags: "set[string]" }),
    };
    await push.send(logMessage(SENDER, LOG_FORMAT, encodeLogBatch(header, [[time(1.5), addr("10.0.0.1"), port(80, "tcp"), 42n, null, set(["x"])]])));
    expect(JSON.parse(await logger.nextLine(WAIT, "zeek-style line"))).toEqual({
      path: "conn",
      stream: "Conn::LOG",
      writer: "Log::WRITER_ASCII",
      filter: "default",
      sender: SENDER,
      record: { ts: 1.5, "id.orig_h": "10.0.0.1", "id.orig_p": 80, n: 42, tags: ["x"] },
    });
    expect(await logger.exit(WAIT)).toBe(0);
  });
});
