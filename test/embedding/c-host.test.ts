// The C host (build/c/zc-host: build/core.wasm through wasm2c, no JS) on
// its own line protocol: ABI errors come back as error/fail lines and the
// process carries on; options reach the core (internal_topic_prefix, read
// back through probe_topic); a trap ends it with status 3 and a trap line, with
// env.abort's text decoded from AssemblyScript's UTF-16 when there is one.

import { describe, expect, it } from "vitest";
import { ZcHostProcess } from "../../adapters/c/c-host";
import { createLine, fields, stepLine } from "../../adapters/c/vector-lines";

async function started(): Promise<ZcHostProcess> {
  const p = new ZcHostProcess();
  expect(await p.ready()).toBe(1);
  return p;
}

const config = {
  node: "m",
  node_id: "M1",
  nodes: { m: { node_type: "manager" }, w: { node_type: "worker" } },
};

describe("the C host", () => {
  it("reports ABI errors per command and keeps serving", async () => {
    const p = await started();
    // Bad UTF-8 in a config: error -3, nothing created.
    p.send("create\t%FF\tM1");
    expect(fields(await p.next())).toEqual(["error", "-3", "node is not valid UTF-8 (at byte 0)"]);
    p.send(createLine(config));
    expect(fields(await p.next())).toEqual(["ok", "0"]);
    // Bad UTF-8 in an input: a fail line, then the step still ends.
    p.send("step\t0\t1\tsubscription\tab%C0%80");
    expect(fields(await p.next())).toEqual(["fail", "-3", "topic is not valid UTF-8 (at byte 2)"]);
    expect(await p.next()).toBe("end");
    // An unknown handle.
    p.send("destroy\t9");
    expect(fields(await p.next())).toEqual(["error", "-1", "no live core instance with handle 9"]);
    // Unicode survives C's percent-encoding both ways.
    const topic = "zeek.cluster.nodeid.wü€😀.";
    p.send(stepLine(0, { kind: "subscription", topic }, 2));
    expect(fields(await p.next())).toEqual(["subscription", topic]);
    expect(fields(await p.next())).toEqual([
      "publish",
      topic,
      "Cluster::Backend::ZeroMQ::hello",
      "2",
      "m",
      "M1",
    ]);
    expect(await p.next()).toBe("end");
    p.send("destroy\t0");
    expect(await p.next()).toBe("ok");
    expect(await p.close()).toBe(0);
  });

  it("sets internal_topic_prefix (option tag 7), which the probe topic uses", async () => {
    const p = await started();
    // The core names the field it failed to decode: the C host put the
    // prefix where option 7 reads its str.
    p.send("create\tm\tM1\tinternal_topic_prefix\t%FF");
    expect(fields(await p.next())).toEqual(["error", "-3", "internal_topic_prefix is not valid UTF-8 (at byte 0)"]);
    p.send(createLine(config));
    expect(fields(await p.next())).toEqual(["ok", "0"]);
    p.send("probe_topic\t0\t1");
    expect(fields(await p.next())).toEqual(["topic", "zeek.zeromq.internal.M1.1."]);
    // Next to other options: it takes one field, and topic_prefixes after it still applies.
    p.send(`${createLine(config)}\tinternal_topic_prefix\tacme%2Finternal.\ttopic_prefixes\tacme.node\tacme.nodeid`);
    expect(fields(await p.next())).toEqual(["ok", "1"]);
    p.send("probe_topic\t1\t2");
    expect(fields(await p.next())).toEqual(["topic", "acme/internal.M1.2."]);
    const topic = "acme.nodeid.W1.";
    p.send(stepLine(1, { kind: "subscription", topic }, 1));
    expect(fields(await p.next())).toEqual(["subscription", topic]);
    expect(fields(await p.next())).toEqual(["publish", topic, "Cluster::Backend::ZeroMQ::hello", "2", "m", "M1"]);
    expect(await p.next()).toBe("end");
    // The first instance keeps the default.
    p.send("probe_topic\t0\t3");
    expect(fields(await p.next())).toEqual(["topic", "zeek.zeromq.internal.M1.3."]);
    p.send("probe_topic\t9\t1");
    expect(fields(await p.next())).toEqual(["error", "-1", "no live core instance with handle 9"]);
    expect(await p.close()).toBe(0);
  });

  it("ends with a trap line and status 3 on an out-of-bounds record", async () => {
    const p = await started();
    p.send(createLine(config));
    expect(fields(await p.next())).toEqual(["ok", "0"]);
    p.send("input_at\t0\t2147483632\t16\t0");
    await expect(p.next()).rejects.toThrow(/the core trapped \(Out-of-bounds access in linear memory or a table\); the instance is unusable/);
    expect(await p.close()).toBe(3);
  });

  it("decodes env.abort's message into the trap line", async () => {
    const p = await started();
    p.send("abort_test\t42");
    await expect(p.next()).rejects.toThrow(/the core trapped \(Unreachable instruction executed; Index out of range in ~lib\/array\.ts:\d+:\d+\)/);
    expect(await p.close()).toBe(3);
  });
});
