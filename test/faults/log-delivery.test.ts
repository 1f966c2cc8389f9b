// Acknowledged log delivery at unit level: the logger's per-channel rule
// (adapters/node/log-acks.ts), the protocol it makes with a sender that keeps
// and resends (modelled after adapters/node/log-channels.ts) over a link
// that loses what is in flight when the logger is killed, and the logger's
// write journal (app/log-journal.ts) cut at every point a kill -9 can cut it.
// The fault suite's logger-kill scenario runs the real thing end to end.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { LogAckState, type LogChannelState } from "../../adapters/node/log-acks";
import type { LogDelivery, LogHeader } from "../../adapters/node/wire";
import { JOURNAL_FILE } from "../../app/log-journal";
import { LogFileWriters } from "../../app/log-writers";

describe("the logger's rule per sender channel", () => {
  it("whatever arrives, what is written is 1, 2, 3, ... once each, and each verdict says why", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 200 }), (seqs) => {
        const st = new LogAckState();
        const written: number[] = [];
        for (const seq of seqs) {
          const before = written.length;
          const v = st.verdict("s", { chan: "c", seq, base: 1 });
          expect(v).toBe(seq === before + 1 ? "write" : seq <= before ? "duplicate" : "early");
          if (v === "write") {
            written.push(seq);
            st.written("s", { chan: "c", seq, base: 1 });
          }
        }
        expect(written).toEqual(written.map((_, i) => i + 1));
      }),
      { numRuns: 500 },
    );
  });

  it("base settles what is below it: a logger without state starts there", () => {
    const st = new LogAckState();
    expect(st.verdict("s", { chan: "c", seq: 7, base: 5 })).toBe("early"); // 5 and 6 still to come
    expect(st.verdict("s", { chan: "c", seq: 5, base: 5 })).toBe("write");
    st.written("s", { chan: "c", seq: 5, base: 5 });
    // Fire-and-forget batches (base = seq): taken whatever came before.
    expect(st.verdict("s", { chan: "c", seq: 9, base: 9 })).toBe("write");
  });

  it("restored states come first; duplicates and gaps are answered once per turn, a gap with resend", () => {
    const st = new LogAckState();
    st.restore([{ sender: "s", chan: "c", written: 10 }]);
    expect(st.verdict("s", { chan: "c", seq: 9, base: 1 })).toBe("duplicate");
    expect(st.verdict("s", { chan: "c", seq: 13, base: 1 })).toBe("early");
    expect(st.verdict("s", { chan: "d", seq: 1, base: 1 })).toBe("write");
    st.written("s", { chan: "d", seq: 1, base: 1 });
    expect(st.takeDue()).toEqual([
      { sender: "s", chan: "c", written: 10, resend: true },
      { sender: "s", chan: "d", written: 1, resend: false },
    ]);
    expect(st.takeDue()).toEqual([]);
    st.announce("s");
    expect(st.takeDue().map((a) => a.chan)).toEqual(["c", "d"]);
  });
});

/**
 * The protocol as a model: a sender that keeps every batch until it is
 * acknowledged and sends again from the first unacknowledged one when the
 * connection comes back or the logger reports a gap; a FIFO link; a logger
 * that writes with LogAckState and journals (its state survives a kill); a
 * kill loses everything in flight to it and the acknowledgements it had not
 * sent yet. Whatever the schedule, every batch ends up written exactly once.
 */
describe("the protocol under kills (model)", () => {
  type Step = { op: "send" } | { op: "deliver"; n: number } | { op: "ack" } | { op: "kill" } | { op: "reconnect" };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.constant({ op: "send" as const }) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }).map((n) => ({ op: "deliver" as const, n })) },
    { weight: 3, arbitrary: fc.constant({ op: "ack" as const }) },
    { weight: 1, arbitrary: fc.constant({ op: "kill" as const }) },
    { weight: 1, arbitrary: fc.constant({ op: "reconnect" as const }) },
  );

  it("every batch is written exactly once", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (steps, window) => {
        let nextSeq = 1;
        let acked = 0;
        let retained: number[] = [];
        let link: LogDelivery[] = [];
        let acks: { written: number; resend: boolean }[] = [];
        let journal: LogChannelState[] = [];
        let logger = new LogAckState();
        let connected = true;
        const files: number[] = [];
        const sendBatch = (seq: number) => link.push({ chan: "c", seq, base: acked + 1 });
        const deliver = (d: LogDelivery) => {
          const v = logger.verdict("s", d);
          if (v === "write") {
            files.push(d.seq);
            logger.written("s", d);
            journal = logger.states();
          }
          for (const a of logger.takeDue()) acks.push({ written: a.written, resend: a.resend });
        };
        const onAck = (a: { written: number; resend: boolean }) => {
          if (a.written > acked) {
            acked = a.written;
            retained = retained.filter((s) => s > acked);
          }
          if (a.resend) for (const s of retained) sendBatch(s);
        };
        const run = (s: Step) => {
          if (s.op === "send" && retained.length < window) {
            retained.push(nextSeq);
            sendBatch(nextSeq++);
          } else if (s.op === "deliver" && connected) {
            for (const d of link.splice(0, s.n)) deliver(d);
          } else if (s.op === "ack") {
            for (const a of acks.splice(0)) onAck(a);
          } else if (s.op === "kill" && connected) {
            // In flight to the dead logger: gone. Not yet acknowledged: gone.
            connected = false;
            link = link.slice(Math.floor(link.length / 2)); // what was still in the sender's pipe survives
            acks = [];
          } else if (s.op === "reconnect" && !connected) {
            connected = true;
            logger = new LogAckState();
            logger.restore(journal);
            for (const seq of retained) sendBatch(seq); // the sender's resend on reconnect
          }
        };
        for (const s of steps) run(s);
        // Quiesce: reconnect, then deliver and acknowledge until nothing moves.
        run({ op: "reconnect" });
        for (let i = 0; i < 1000 && (link.length || acks.length || retained.length); i++) {
          run({ op: "deliver", n: 1000 });
          run({ op: "ack" });
          if (!link.length && !acks.length && retained.length) for (const seq of retained) sendBatch(seq); // the no-progress timer
        }
        expect(retained).toEqual([]);
        expect(files).toEqual(Array.from({ length: nextSeq - 1 }, (_, i) => i + 1));
      }),
      { numRuns: 500 },
    );
  });
});

describe("the write journal under kill -9", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const header = (path: string): LogHeader => ({ stream: "T::LOG", writer: "Log::WRITER_ASCII", filter: "default", path, fields: [{ name: "n", type: "count", optional: false }] });

  type Cut = { how: "none" } | { how: "torn-journal"; keep: number } | { how: "partial-data"; keep: number };
  const cut: fc.Arbitrary<Cut> = fc.oneof(
    fc.constant({ how: "none" as const }),
    fc.nat({ max: 200 }).map((keep) => ({ how: "torn-journal" as const, keep })),
    fc.nat({ max: 200 }).map((keep) => ({ how: "partial-data" as const, keep })),
  );

  it("a restarted logger finds exactly the complete batches in its files, and their numbers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path: fc.constantFrom("a", "b"), chan: fc.constantFrom("c1", "c2"), records: fc.integer({ min: 1, max: 5 }) }), { maxLength: 30 }),
        cut,
        (batches, c) => {
          const dir = mkdtempSync(join(tmpdir(), "zmq-journal-"));
          dirs.push(dir);
          const w = new LogFileWriters(dir, "json", true);
          w.recover();
          const seqs = new Map<string, number>();
          const expected = new Map<string, string[]>([["a", []], ["b", []]]);
          let n = 0;
          for (const b of batches) {
            const seq = (seqs.get(b.chan) ?? 0) + 1;
            seqs.set(b.chan, seq);
            const records = Array.from({ length: b.records }, () => [BigInt(n++)]);
            w.write({ header: header(b.path), records, sender: "s", delivery: { chan: b.chan, seq, base: 1 } });
            expected.get(b.path)!.push(...records.map((r) => `{"n":${r[0]}}`));
          }
          w.close();
          // The kill: during the next write of 3 records to a.log on c1.
          const aFile = join(dir, "a.log");
          const size = (() => {
            try {
              return statSync(aFile).size;
            } catch {
              return 0;
            }
          })();
          const data = `{"n":${n}}\n{"n":${n + 1}}\n{"n":${n + 2}}\n`;
          const entry = JSON.stringify({ f: "a.log", o: size, n: Buffer.byteLength(data), s: "s", c: "c1", q: (seqs.get("c1") ?? 0) + 1 }) + "\n";
          if (c.how === "torn-journal") appendFileSync(join(dir, JOURNAL_FILE), entry.slice(0, Math.min(c.keep, entry.length - 2)));
          if (c.how === "partial-data") {
            appendFileSync(join(dir, JOURNAL_FILE), entry);
            appendFileSync(aFile, data.slice(0, Math.min(c.keep, data.length - 1)));
          }
          // The restart.
          const again = new LogFileWriters(dir, "json", true);
          const states = again.recover().states;
          again.close();
          for (const p of ["a", "b"]) {
            let text = "";
            try {
              text = readFileSync(join(dir, `${p}.log`), "utf8");
            } catch {
              /* never written */
            }
            expect(text.split("\n").filter(Boolean)).toEqual(expected.get(p));
          }
          const want = [...seqs].map(([chan, written]) => ({ sender: "s", chan, written }));
          expect(states.sort((x, y) => x.chan.localeCompare(y.chan))).toEqual(want.sort((x, y) => x.chan.localeCompare(y.chan)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the journal is compacted, never between a journal line and its write", () => {
    const dir = mkdtempSync(join(tmpdir(), "zmq-journal-"));
    dirs.push(dir);
    const w = new LogFileWriters(dir, "json", true);
    w.recover();
    const big = "x".repeat(2000);
    const h: LogHeader = { ...header("a"), fields: [{ name: "s", type: "string", optional: false }] };
    // Journal lines are small; write enough of them to pass the compaction size.
    for (let seq = 1; seq <= 60_000; seq++) w.write({ header: h, records: [[big.slice(0, seq % 7)]], sender: `sender-with-a-long-id-${seq % 3}`, delivery: { chan: "c", seq: Math.floor((seq + 2) / 3), base: 1 } });
    w.close();
    expect(statSync(join(dir, JOURNAL_FILE)).size).toBeLessThan(5 << 20);
    writeFileSync(join(dir, "a.log"), readFileSync(join(dir, "a.log"))); // untouched
    const again = new LogFileWriters(dir, "json", true);
    const states = again.recover().states;
    again.close();
    expect(states.map((s) => s.written)).toEqual([20_000, 20_000, 20_000]);
  });
});
