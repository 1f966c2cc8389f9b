// The broker's engines on real sockets: the C counting forwarder
// (native/counting-proxy.c), the JavaScript one (broker-worker.mjs) and
// zeromq.js's native proxy. Upstream's eight counters must count exactly
// what passed (frames and bytes, per side), every engine must forward
// subscriptions VERBOSER-style, stop even while blocked on a full
// XPUB_NODROP pipe, and report a bind failure with upstream's text.
import * as zmq from "zeromq";
import { describe, expect, it } from "vitest";
import { DEFAULT_BROKER_ENGINE, startBroker, type Broker, type BrokerEngine } from "../../adapters/node/index";
import { available as countingCBuilt } from "../../adapters/node/counting-proxy";
import { brokerEndpoints } from "../helpers/cluster";
import { freePort } from "../helpers/ports";

const brokers: Broker[] = [];
const sockets: zmq.Socket[] = [];

async function broker(
  engine: BrokerEngine,
  extra: { listen_xpub_nodrop?: boolean; linger_ms?: number; listen_xpub_sndbuf?: number; rcv_maxmsgsize?: number } = {},
): Promise<Broker> {
  const ep = await brokerEndpoints();
  const b = await startBroker({
    engine,
    listen_xpub_endpoint: ep.listen_xpub_endpoint!,
    listen_xsub_endpoint: ep.listen_xsub_endpoint!,
    listen_xpub_nodrop: extra.listen_xpub_nodrop ?? true,
    proxy_io_threads: 1,
    ipv6: false,
    linger_ms: extra.linger_ms ?? 0,
    ...(extra.listen_xpub_sndbuf !== undefined ? { listen_xpub_sndbuf: extra.listen_xpub_sndbuf } : {}),
    ...(extra.rcv_maxmsgsize !== undefined ? { rcv_maxmsgsize: extra.rcv_maxmsgsize } : {}),
  });
  brokers.push(b);
  return b;
}

function track<S extends zmq.Socket>(s: S): S {
  s.linger = 0;
  sockets.push(s);
  return s;
}

async function cleanup(): Promise<void> {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(brokers.splice(0).map((b) => b.stop()));
}

/** A raw publisher (XPUB, as nodes connect) and subscriber (SUB) through `b`, the subscription seen by the publisher. */
async function peers(b: Broker, topic: string, subRcvHwm = 1000): Promise<{ pub: zmq.XPublisher; sub: zmq.Subscriber }> {
  const pub = track(new zmq.XPublisher());
  const sub = track(new zmq.Subscriber({ receiveHighWaterMark: subRcvHwm }));
  pub.connect(b.xsubEndpoint);
  sub.connect(b.xpubEndpoint);
  sub.subscribe(topic);
  const [frame] = await pub.receive();
  expect(Buffer.from(frame!).toString()).toBe("\x01" + topic);
  return { pub, sub };
}

describe("broker engines", () => {
  it("'counting' runs the C forwarder (the build makes it where libzmq's headers are, as .ci/run installs them), and is then the default", async () => {
    expect(countingCBuilt()).toBe(true);
    expect(DEFAULT_BROKER_ENGINE).toBe("counting");
    try {
      const b = await broker("counting");
      expect(b.engine).toBe("counting");
      expect((await broker("counting-js")).engine).toBe("counting-js");
      expect((await broker("native")).engine).toBe("native");
    } finally {
      await cleanup();
    }
  });

  for (const engine of ["counting", "counting-js"] as const) {
    it(`${engine}: the eight counters count every frame and byte that passed, per side`, async () => {
      try {
        const b = await broker(engine);
        const { pub, sub } = await peers(b, "t.");
        const frames = ["t.a", "node-id", "fmt", "x".repeat(100)];
        const bytes = frames.reduce((n, f) => n + f.length, 0);
        const N = 500;
        for (let i = 0; i < N; i++) await pub.send(frames);
        for (let i = 0; i < N; i++) expect((await sub.receive()).map(String)).toEqual(frames);
        const s = b.stats()!;
        // Events: in at the frontend (XSUB), out at the backend (XPUB).
        expect([s.frontend_messages_received, s.frontend_bytes_received]).toEqual([4 * N, N * bytes]);
        expect([s.backend_messages_sent, s.backend_bytes_sent]).toEqual([4 * N, N * bytes]);
        // The one subscription, the other way: in at the backend, out at the frontend.
        expect([s.backend_messages_received, s.backend_bytes_received]).toEqual([1, 3]);
        expect([s.frontend_messages_sent, s.frontend_bytes_sent]).toEqual([1, 3]);
      } finally {
        await cleanup();
      }
    });
  }

  for (const engine of ["counting", "counting-js", "native"] as const) {
    it(`${engine}: listen_xpub_sndbuf and rcv_maxmsgsize are set on the broker's sockets (read back); a larger frame cuts its sender off`, async () => {
      try {
        const d = await broker(engine);
        expect(d.socketOptions.xpub.listen_xpub_sndbuf).toBe(-1); // the OS's, as upstream
        expect([d.socketOptions.xpub.rcv_maxmsgsize, d.socketOptions.xsub.rcv_maxmsgsize]).toEqual([256 * 1024 * 1024, 256 * 1024 * 1024]);
        const b = await broker(engine, { listen_xpub_sndbuf: 16384, rcv_maxmsgsize: 4096 });
        expect(b.socketOptions.xpub.listen_xpub_sndbuf).toBe(16384);
        expect([b.socketOptions.xpub.rcv_maxmsgsize, b.socketOptions.xsub.rcv_maxmsgsize]).toEqual([4096, 4096]);
        const { pub, sub } = await peers(b, "t.");
        const cut = new Promise<void>((resolve) => pub.events.on("disconnect", () => resolve()));
        await pub.send(["t.big", "x".repeat(8000)]);
        await cut;
        // The publisher reconnects; the subscriber gets what fits, not the big one.
        await pub.send(["t.small", "x"]);
        expect((await sub.receive()).map(String)).toEqual(["t.small", "x"]);
      } finally {
        await cleanup();
      }
    });

    it(`${engine}: stops while blocked on a full XPUB_NODROP pipe, and its ports are free afterwards`, async () => {
      try {
        const b = await broker(engine, { listen_xpub_nodrop: true, linger_ms: 0 });
        const { pub } = await peers(b, "t.", 10);
        // Flood until the publisher itself is held back: the subscriber
        // never reads, so the broker's send to it blocks (NODROP), then
        // its XSUB stops reading and the publisher's pipe fills.
        pub.noDrop = true; // EAGAIN at the HWM instead of a silent drop
        pub.sendTimeout = 0;
        const big = Buffer.alloc(64 * 1024);
        let sent = 0;
        for (;;) {
          try {
            await pub.send(["t.a", big]);
            sent++;
          } catch (err) {
            if ((err as { code?: string }).code !== "EAGAIN") throw err;
            break;
          }
        }
        expect(sent).toBeGreaterThan(0);
        const t0 = Date.now();
        await b.stop();
        expect(Date.now() - t0).toBeLessThan(3000);
        brokers.splice(brokers.indexOf(b), 1);
        // Same endpoints again: the ports came free.
        const again = await startBroker({
          engine,
          listen_xpub_endpoint: b.xpubEndpoint,
          listen_xsub_endpoint: b.xsubEndpoint,
          listen_xpub_nodrop: true,
          proxy_io_threads: 1,
          ipv6: false,
          linger_ms: 0,
        });
        brokers.push(again);
      } finally {
        await cleanup();
      }
    });
  }

  it("counting (C): a port in use is upstream's bind error, and nothing is left bound", async () => {
    try {
      const blocker = track(new zmq.Publisher());
      const port = await freePort();
      await blocker.bind(`tcp://127.0.0.1:${port}`);
      const free = await freePort();
      await expect(
        startBroker({
          engine: "counting",
          listen_xpub_endpoint: `tcp://127.0.0.1:${free}`,
          listen_xsub_endpoint: `tcp://127.0.0.1:${port}`,
          listen_xpub_nodrop: true,
          proxy_io_threads: 1,
          ipv6: false,
        }),
      ).rejects.toThrow(`ZeroMQ: Failed to bind xsub socket tcp://127.0.0.1:${port}: Address already in use (98)`);
      // The XPUB it had bound first was closed again.
      const probe = track(new zmq.Publisher());
      await probe.bind(`tcp://127.0.0.1:${free}`);
    } finally {
      await cleanup();
    }
  });
});
