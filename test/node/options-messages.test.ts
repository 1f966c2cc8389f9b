// The texts of option and layout errors, pinned: they are what operators,
// scripts and the CLI tests read, and they were zod 4's texts. The
// validation is valibot now (adapters/node/validation.ts, for memory:
// bench/README.md); these cases were produced by the zod schemas before the
// change, so any drift in wording, order or path shows here.

import { describe, expect, it } from "vitest";
import { LayoutError, parseLayout } from "../../adapters/node/layout";
import { OptionsError, resolveOptions } from "../../adapters/node/options";

/** JSON with the values JSON cannot spell: "#NaN", "#Infinity". */
const revive = (s: string): unknown =>
  JSON.parse(s, (_k, x) => (x === "#NaN" ? NaN : x === "#Infinity" ? Infinity : x));

const optionCases: [string, string][] = [
  ["{\"connect_xpub_endpoint\":\"x\"}", "invalid zeromq options:\nconnect_xpub_endpoint: a ZeroMQ endpoint such as tcp://127.0.0.1:5556"],
  ["{\"connect_xpub_endpoint\":[]}", "invalid zeromq options:\nconnect_xpub_endpoint: Invalid input: expected string, received array"],
  ["{\"connect_log_endpoints\":\"x\"}", "invalid zeromq options:\nconnect_log_endpoints: Invalid input: expected array, received string"],
  ["{\"connect_log_endpoints\":[\"tcp://a\",5,\"y\"]}", "invalid zeromq options:\nconnect_log_endpoints.1: Invalid input: expected string, received number\nconnect_log_endpoints.2: a ZeroMQ endpoint such as tcp://127.0.0.1:5556"],
  ["{\"run_proxy_thread\":\"x\"}", "invalid zeromq options:\nrun_proxy_thread: Invalid input: expected boolean, received string"],
  ["{\"proxy_io_threads\":0}", "invalid zeromq options:\nproxy_io_threads: Too small: expected number to be >=1"],
  ["{\"listen_xsub_endpoint\":\"x\"}", "invalid zeromq options:\nlisten_xsub_endpoint: a ZeroMQ endpoint such as tcp://127.0.0.1:5556"],
  ["{\"listen_xsub_endpoint\":1}", "invalid zeromq options:\nlisten_xsub_endpoint: Invalid input"],
  ["{\"linger_ms\":-2}", "invalid zeromq options:\nlinger_ms: Too small: expected number to be >=-1"],
  ["{\"xpub_sndhwm\":\"x\"}", "invalid zeromq options:\nxpub_sndhwm: Invalid input: expected number, received string"],
  ["{\"xpub_sndhwm\":1.5}", "invalid zeromq options:\nxpub_sndhwm: Invalid input: expected int, received number"],
  ["{\"xpub_sndhwm\":-2}", "invalid zeromq options:\nxpub_sndhwm: 0 (unlimited) or a positive high-water mark"],
  ["{\"xpub_sndhwm\":\"#NaN\"}", "invalid zeromq options:\nxpub_sndhwm: Invalid input: expected number, received NaN"],
  ["{\"xpub_sndhwm\":\"#Infinity\"}", "invalid zeromq options:\nxpub_sndhwm: Invalid input: expected number, received Infinity"],
  ["{\"xpub_sndhwm\":null}", "invalid zeromq options:\nxpub_sndhwm: Invalid input: expected number, received null"],
  ["{\"xpub_sndhwm\":9007199254740992}", "invalid zeromq options:\nxpub_sndhwm: Too big: expected int to be <=9007199254740991"],
  ["{\"xpub_sndbuf\":-2}", "invalid zeromq options:\nxpub_sndbuf: -1 (the kernel's default) or a size in bytes"],
  ["{\"ipv6\":0}", "invalid zeromq options:\nipv6: Invalid input: expected boolean, received number"],
  ["{\"hello_expiration\":-0.5}", "invalid zeromq options:\nhello_expiration: Too small: expected number to be >=0"],
  ["{\"node_topic_prefix\":\"\"}", "invalid zeromq options:\nnode_topic_prefix: Too small: expected string to have >=1 characters"],
  ["{\"node_topic_prefix\":[]}", "invalid zeromq options:\nnode_topic_prefix: Invalid input: expected string, received array\nnode_topic_prefix: Too small: expected array to have >=1 items"],
  ["{\"log_ack_timeout\":0}", "invalid zeromq options:\nlog_ack_timeout: Too small: expected number to be >0"],
  ["null", "invalid zeromq options:\noption: Invalid input: expected object, received null"],
  ["[]", "invalid zeromq options:\noption: Invalid input: expected object, received array"],
  ["{\"rcv_maxmsgsize\":10}", "invalid zeromq options:\nrcv_maxmsgsize: -1 (no limit) or at least max_message_size (raise both together: libzmq cuts off, uncounted, the frames above it)"],
  ["{\"max_message_size\":1000000000}", "invalid zeromq options:\nrcv_maxmsgsize: -1 (no limit) or at least max_message_size (raise both together: libzmq cuts off, uncounted, the frames above it)"],
  ["\"s\"", "invalid zeromq options:\noption: Invalid input: expected object, received string"],
  ["{\"a\":1,\"b\":2}", "invalid zeromq options:\noption: Unrecognized keys: \"a\", \"b\""],
  ["{\"xpub_sndhwm\":-5,\"nope\":1,\"linger_ms\":\"x\"}", "invalid zeromq options:\nlinger_ms: Invalid input: expected number, received string\nxpub_sndhwm: 0 (unlimited) or a positive high-water mark\noption: Unrecognized key: \"nope\""],
  ["{\"proxy_io_threads\":0,\"ipv6\":\"yes\",\"zz\":1,\"yy\":2}", "invalid zeromq options:\nproxy_io_threads: Too small: expected number to be >=1\nipv6: Invalid input: expected boolean, received string\noption: Unrecognized keys: \"zz\", \"yy\""],
];

const layoutCases: [string, string][] = [
  ["null", "layout: $: Invalid input: expected object, received null"],
  ["{}", "layout: $.nodes: Invalid input: expected record, received undefined"],
  ["{\"nodes\":{}}", "layout: $.nodes: at least one node"],
  ["{\"nodes\":[]}", "layout: $.nodes: Invalid input: expected record, received array"],
  ["{\"nodes\":{\"manager\":{\"node_type\":\"manager\"}},\"zeromq\":null}", "layout: $.zeromq: Invalid input: expected object, received null"],
  ["{\"nodes\":{\"manager\":{\"node_type\":\"manager\"}},\"zeromq\":{\"a\":1,\"b\":2,\"xpub_sndhwm\":\"x\"}}", "layout: $.zeromq.xpub_sndhwm: Invalid input: expected number, received string\nlayout: $.zeromq: Unrecognized keys: \"a\", \"b\""],
  ["{\"nodes\":{\"manager\":{\"node_type\":\"manager\"}},\"zeromq\":{\"connect_log_endpoints\":[\"tcp://a\",\"b\"]}}", "layout: $.zeromq.connect_log_endpoints[1]: a ZeroMQ endpoint such as tcp://127.0.0.1:5556"],
  ["{\"nodes\":{\"manager\":{\"node_type\":\"manager\"}},\"zeromq\":{\"rcv_maxmsgsize\":5}}", "layout: $.zeromq.rcv_maxmsgsize: -1 (no limit) or at least max_message_size (raise both together: libzmq cuts off, uncounted, the frames above it)"],
  ["{\"nodes\":{\"manager\":{\"node_type\":\"manager\"}},\"extra\":1}", "layout: $: Unrecognized key: \"extra\""],
  ["{\"nodes\":{\"manager\":{\"node_type\":\"boss\"}}}", "layout: $.nodes.manager.node_type: Invalid option: expected one of \"manager\"|\"logger\"|\"proxy\"|\"worker\""],
  ["{\"nodes\":{\"manager\":{}}}", "layout: $.nodes.manager.node_type: Invalid option: expected one of \"manager\"|\"logger\"|\"proxy\"|\"worker\""],
  ["{\"nodes\":{\"m\":{\"node_type\":\"manager\",\"ip\":\"\"}}}", "layout: $.nodes.m.ip: Too small: expected string to have >=1 characters"],
  ["{\"nodes\":{\"logger\":{\"node_type\":\"logger\",\"p\":70000}}}", "layout: $.nodes.logger.p: Too big: expected number to be <=65535"],
  ["{\"nodes\":{\"logger\":{\"node_type\":\"logger\",\"p\":1.5}}}", "layout: $.nodes.logger.p: Invalid input: expected int, received number"],
  ["{\"nodes\":{\"logger\":{\"node_type\":\"logger\",\"port\":5,\"q\":1}}}", "layout: $.nodes.logger: Unrecognized keys: \"port\", \"q\""],
  ["{\"nodes\":{\"\":{\"node_type\":\"boss\"}}}", "layout: $.nodes.: Invalid key in record"],
  ["{\"nodes\":{\"a\":{\"node_type\":\"boss\",\"ip\":1,\"p\":0,\"z\":1},\"b\":{\"node_type\":\"worker\"},\"c\":5},\"zeromq\":{\"q\":1,\"linger_ms\":1.5},\"manager_is_logger\":1,\"w\":2}", "layout: $.manager_is_logger: Invalid input: expected boolean, received number\nlayout: $.nodes.a.node_type: Invalid option: expected one of \"manager\"|\"logger\"|\"proxy\"|\"worker\"\nlayout: $.nodes.a.ip: Invalid input: expected string, received number\nlayout: $.nodes.a.p: Too small: expected number to be >=1\nlayout: $.nodes.a: Unrecognized key: \"z\"\nlayout: $.nodes.c: Invalid input: expected object, received number\nlayout: $.zeromq.linger_ms: Invalid input: expected int, received number\nlayout: $.zeromq: Unrecognized key: \"q\"\nlayout: $: Unrecognized key: \"w\""],
];

describe("option and layout error texts", () => {
  it.each(optionCases)("options %s", (input, message) => {
    const go = () => resolveOptions(revive(input) as never);
    expect(go).toThrow(OptionsError);
    expect(go).toThrow(new OptionsError(message));
    try {
      go();
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });

  it.each(layoutCases)("layout %s", (input, message) => {
    let err: unknown;
    try {
      parseLayout(revive(input), "layout.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LayoutError);
    expect((err as Error).message).toBe(message.replaceAll("layout: ", "layout.json: "));
  });

  it("values no JSON has: Infinity, a bigint, a function, a Date, a Map, a node named constructor", () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(msg(() => resolveOptions({ linger_ms: -Infinity }))).toBe("invalid zeromq options:\nlinger_ms: Invalid input: expected number, received -Infinity");
    expect(msg(() => resolveOptions({ linger_ms: 5n } as never))).toBe("invalid zeromq options:\nlinger_ms: Invalid input: expected number, received bigint");
    expect(msg(() => resolveOptions({ node_topic_prefix: () => 1 } as never))).toBe(
      "invalid zeromq options:\nnode_topic_prefix: Invalid input: expected string, received function\nnode_topic_prefix: Too small: expected unknown to be >=1",
    );
    expect(msg(() => resolveOptions({ ipv6: new Date(0) } as never))).toBe("invalid zeromq options:\nipv6: Invalid input: expected boolean, received Date");
    expect(msg(() => parseLayout({ nodes: new Map() }))).toBe("layout: $.nodes: Invalid input: expected record, received Map");
    expect(msg(() => parseLayout({ nodes: { p: { node_type: "logger", p: 2 ** 53 } } }))).toBe(
      "layout: $.nodes.p.p: Too big: expected int to be <=9007199254740991\nlayout: $.nodes.p.p: Too big: expected number to be <=65535",
    );
    expect(parseLayout({ nodes: { constructor: { node_type: "manager" } } }).nodes).toEqual({ constructor: { node_type: "manager", ip: "127.0.0.1" } });
  });
});

describe("option and layout values", () => {
  it("defaults: every option, in upstream's order", () => {
    expect(resolveOptions()).toStrictEqual(
      { "connect_xpub_endpoint":  "tcp://127.0.0.1:5556", "connect_xsub_endpoint":  "tcp://127.0.0.1:5555", "proxy_io_threads":  2, "listen_xsub_endpoint":  "tcp://127.0.0.1:5556", "listen_xpub_endpoint":  "tcp://127.0.0.1:5555", "linger_ms":  500, "xpub_sndhwm":  1000, "xpub_sndbuf":  -1, "xsub_rcvhwm":  1000, "xsub_rcvbuf":  -1, "onloop_queue_hwm":  10000, "log_immediate":  false, "log_sndhwm":  1000, "log_rcvhwm":  1000, "log_sndbuf":  -1, "log_rcvbuf":  -1, "ipv6":  false, "connect_xpub_nodrop":  true, "listen_xpub_nodrop":  true, "poll_max_messages":  100, "debug_flags":  0, "hello_expiration":  10, "node_topic_prefix":  "zeek.cluster.node", "nodeid_topic_prefix":  "zeek.cluster.nodeid", "internal_topic_prefix":  "zeek.zeromq.internal.", "write_buffer_size":  1000, "flush_interval":  1, "log_acks":  false, "log_ack_timeout":  5, "log_ack_window":  64, "max_message_size":  67108864, "rcv_maxmsgsize":  268435456, "listen_xpub_sndbuf":  -1 },
    );
    expect(Object.keys(resolveOptions())).toEqual(Object.keys(resolveOptions({})));
  });

  it("a layout without zeromq has {}; a given zeromq gets the defaults filled in", () => {
    const nodes = { m: { node_type: "manager" as const } };
    expect(parseLayout({ nodes }).zeromq).toStrictEqual({});
    expect(parseLayout({ nodes, zeromq: {} }).zeromq).toStrictEqual(resolveOptions());
    expect(parseLayout({ nodes, zeromq: { xpub_sndhwm: 5 } }).zeromq).toStrictEqual({ ...resolveOptions(), xpub_sndhwm: 5 });
  });

  it("an optional key given as undefined stays, absent stays absent", () => {
    expect("connect_log_endpoints" in resolveOptions({ connect_log_endpoints: undefined })).toBe(true);
    expect("connect_log_endpoints" in resolveOptions({})).toBe(false);
    expect(parseLayout({ nodes: { l: { node_type: "logger", p: 5 } } }).nodes.l).toStrictEqual({ node_type: "logger", ip: "127.0.0.1", p: 5 });
  });
});
