// Log batch codec: frame 3 of ["log-write", sender node id, format, batch].
//
// Like upstream's zeek-bin-serializer (design §1.7), a batch carries its own
// schema, so a logger that is not Zeek can write the records without knowing
// the stream: a header (stream, writer, filter, path, and per field its
// flattened name, Zeek type and optional flag), then the records, each the
// values in field order. Layout (docs/wire-format.md §5):
//   [ {"stream": str, "writer": str, "filter": str, "path": str,
//      "fields": [ {"name": str, "type": str, "optional": bool}, ... ]},
//     [ [v1, v2, ...], ... ] ]

import { Buffer } from "node:buffer";
import { CodecError, subPath } from "./errors";
import { columnWriter, type ColumnWriter } from "./log-columns";
import { readLogRecords, skipValue } from "./log-reader";
import { arrayHeader, pack, RawBytes, unpack, type WireTree } from "./msgpack";
import { MsgWriter } from "./msgpack-writer";
import { checkLogValue, formatLogType, parseLogType, type LogType } from "./types";
import { valueFromWire } from "./value-codec";
import { checkString, type ZeekInput, type ZeekValue } from "./values";

/** Frame 2 for log batches in this format. */
export const LOG_FORMAT = "zmq-cluster-log-msgpack-v1";

/** Frame 0 of a log message (upstream's literal; receivers do not check it). */
export const LOG_WRITE_TOPIC = "log-write";

/** One column of a log stream. */
export interface LogField {
  /** Flattened name, e.g. `id.orig_h`. */
  name: string;
  /** Zeek type as the ASCII writer prints it: `count`, `set[string]`, ... */
  type: string;
  /** May be unset (null) in a record. */
  optional: boolean;
}

/** What a batch says about its stream (upstream's LogWriteHeader plus the schema). */
export interface LogHeader {
  /** Log stream id, e.g. `Conn::LOG`. */
  stream: string;
  /** Writer, e.g. `Log::WRITER_ASCII`. */
  writer: string;
  /** Filter name, e.g. `default`. */
  filter: string;
  /** Path, e.g. `conn`. */
  path: string;
  fields: LogField[];
}

export interface LogBatch {
  header: LogHeader;
  /** Each record: values in field order, null for unset optional fields. */
  records: ZeekValue[][];
  /** Present when the sender asks for acknowledgements (ours, docs/reliability.md). */
  delivery?: LogDelivery;
}

/**
 * Acknowledged log delivery (ours, not upstream's): three optional header
 * keys that number a sender's batches per logger endpoint, so a logger can
 * tell which it wrote, acknowledge them, and spot a lost one. A logger that
 * does not know them ignores them (unknown header keys are ignored, §6).
 */
export interface LogDelivery {
  /** The sender's name for the logger endpoint (its channel), opaque to the logger. */
  chan: string;
  /** This batch's number on the channel: 1, 2, 3, ... */
  seq: number;
  /** Every batch below this number is settled (written and acknowledged, or given up by the sender). */
  base: number;
}

const ROOT = "log";
const HEADER_KEYS = ["stream", "writer", "filter", "path"] as const;

// Parsed field types, per fields array (batches of one stream share it).
const layouts = new WeakMap<readonly LogField[], LogType[]>();

/** Validate a field list once and return the parsed types. */
export function checkLogFields(fields: readonly LogField[], path = subPath(ROOT, "fields")): LogType[] {
  const cached = layouts.get(fields);
  if (cached) return cached;
  if (!Array.isArray(fields) || fields.length === 0) throw new CodecError("shape", path, "a log stream has at least one field");
  const seen = new Set<string>();
  const types = fields.map((f, i) => {
    const p = subPath(path, i);
    if (typeof f !== "object" || f === null) throw new CodecError("shape", p, "a field is {name, type, optional}");
    if (typeof f.name !== "string" || f.name.length === 0) throw new CodecError("shape", p, "a field name is a non-empty string");
    checkString(f.name, p);
    if (seen.has(f.name)) throw new CodecError("shape", p, `duplicate field name ${JSON.stringify(f.name)}`);
    seen.add(f.name);
    if (typeof f.optional !== "boolean") throw new CodecError("shape", p, `field ${f.name}: optional must be a boolean`);
    return parseLogType(f.type, subPath(p, f.name));
  });
  layouts.set(fields, types);
  return types;
}

function checkHeaderStrings(h: LogHeader, path: string): void {
  for (const key of HEADER_KEYS) {
    const v = h[key];
    if (typeof v !== "string" || v.length === 0) throw new CodecError("shape", subPath(path, key), `${key} must be a non-empty string`);
    checkString(v, subPath(path, key));
  }
}

function recordPath(index: number): string {
  return subPath(subPath(ROOT, "records"), index);
}

function valuePath(record: number, field: string): string {
  return subPath(recordPath(record), field);
}

// One writer per field, per fields array (as the parsed types above).
const columnWriters = new WeakMap<readonly LogField[], ColumnWriter[]>();

function writersFor(fields: readonly LogField[], types: readonly LogType[]): ColumnWriter[] {
  let cols = columnWriters.get(fields);
  if (!cols) {
    cols = fields.map((f, i) => columnWriter(f.name, types[i]!, f.optional, valuePath));
    columnWriters.set(fields, cols);
  }
  return cols;
}

// The encoders write into one reused buffer and copy the result out. A
// nested call (which nothing here makes) would get a fresh one.
let spareWriter: MsgWriter | undefined = new MsgWriter();

function takeWriter(): MsgWriter {
  const w = spareWriter ?? new MsgWriter();
  spareWriter = undefined;
  w.pos = 0;
  return w;
}

function returnWriter(w: MsgWriter): void {
  if (w.buf.length <= 1 << 22) spareWriter = w; // do not keep a huge one
}

/** One record (checked and coerced as encodeLogRecord says) into `w`. */
function writeRecord(w: MsgWriter, fields: readonly LogField[], cols: readonly ColumnWriter[], values: readonly ZeekInput[], index: number): void {
  if (!Array.isArray(values)) throw new CodecError("type", recordPath(index), "a log record is an array of values in field order");
  const n = fields.length;
  if (values.length !== n) {
    throw new CodecError("shape", recordPath(index), `a record of this stream has ${n} values, got ${values.length}`);
  }
  w.arrayHeader(n);
  for (let i = 0; i < n; i++) cols[i]!(w, values[i], index);
}

/**
 * Encode one record (values in field order) on its own. The friendly
 * spellings are accepted (coerceLogValue); null/undefined only for optional
 * fields. The result can be kept and later put into a batch with
 * assembleLogBatch, so a record is checked when it is logged, not when the
 * batch goes out.
 */
export function encodeLogRecord(fields: readonly LogField[], values: readonly ZeekInput[], index = 0): Uint8Array {
  const cols = writersFor(fields, checkLogFields(fields));
  const w = takeWriter();
  try {
    writeRecord(w, fields, cols, values, index);
    return w.take();
  } finally {
    returnWriter(w);
  }
}

function headerTree(header: LogHeader, delivery?: LogDelivery): WireTree {
  checkHeaderStrings(header, subPath(ROOT, "header"));
  const types = checkLogFields(header.fields);
  const tree = new Map<string, WireTree>([
    ["stream", header.stream],
    ["writer", header.writer],
    ["filter", header.filter],
    ["path", header.path],
    [
      "fields",
      header.fields.map(
        (f, i) =>
          new Map<string, WireTree>([
            ["name", f.name],
            ["type", formatLogType(types[i]!)],
            ["optional", f.optional],
          ]),
      ),
    ],
  ]);
  if (delivery) {
    checkDelivery(delivery, subPath(ROOT, "header"));
    tree.set("chan", delivery.chan);
    tree.set("seq", delivery.seq);
    tree.set("base", delivery.base);
  }
  return tree;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

function checkDelivery(d: LogDelivery, path: string): void {
  if (typeof d.chan !== "string" || d.chan.length === 0) throw new CodecError("shape", subPath(path, "chan"), "chan must be a non-empty string");
  for (const key of ["seq", "base"] as const) {
    const v = d[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_SEQ) {
      throw new CodecError("range", subPath(path, key), `${key} must be an integer from 1 to 2^53-1`);
    }
  }
  if (d.base > d.seq) throw new CodecError("range", subPath(path, "base"), "base must not be above seq");
}

/** The optional delivery keys of a received header: all three, or none. */
function readDelivery(x: Map<unknown, unknown>, path: string): LogDelivery | undefined {
  const has = ["chan", "seq", "base"].filter((k) => x.has(k));
  if (has.length === 0) return undefined;
  if (has.length !== 3) throw new CodecError("shape", path, "chan, seq and base come together");
  const seq = x.get("seq");
  const base = x.get("base");
  const d = {
    chan: x.get("chan") as string,
    // msgpackr reads integers above 2^32 as bigint (int64AsType): a number either way.
    seq: typeof seq === "bigint" ? Number(seq) : (seq as number),
    base: typeof base === "bigint" ? Number(base) : (base as number),
  };
  checkDelivery(d, path);
  return d;
}

/** Put records made by encodeLogRecord (same fields) into one batch payload. */
export function assembleLogBatch(header: LogHeader, encodedRecords: readonly Uint8Array[], delivery?: LogDelivery): Uint8Array {
  let size = 0;
  for (const r of encodedRecords) size += r.length;
  const head = arrayHeader(encodedRecords.length);
  const body = new Uint8Array(head.length + size);
  body.set(head, 0);
  let at = head.length;
  for (const r of encodedRecords) {
    body.set(r, at);
    at += r.length;
  }
  return pack([headerTree(header, delivery), new RawBytes(body)]);
}

/** Encode a whole batch: header (plus the optional delivery keys) and records (values in field order). */
export function encodeLogBatch(header: LogHeader, records: readonly (readonly ZeekInput[])[], delivery?: LogDelivery): Uint8Array {
  const cols = writersFor(header.fields, checkLogFields(header.fields));
  if (!Array.isArray(records)) throw new CodecError("type", subPath(ROOT, "records"), "records must be an array");
  const w = takeWriter();
  try {
    // The records first (their errors come before the header's, as they
    // always have), then [header, records] around them: the same bytes as
    // assembleLogBatch.
    w.arrayHeader(records.length);
    for (let r = 0; r < records.length; r++) writeRecord(w, header.fields, cols, records[r]!, r);
    const head = pack(headerTree(header, delivery));
    const out = Buffer.allocUnsafe(1 + head.length + w.pos);
    out[0] = 0x92;
    out.set(head, 1);
    w.buf.copy(out, 1 + head.length, 0, w.pos);
    return out;
  } finally {
    returnWriter(w);
  }
}

function readHeader(x: unknown): LogHeader {
  const path = subPath(ROOT, "header");
  if (!(x instanceof Map)) throw new CodecError("shape", path, "the batch header must be a map");
  const get = (key: string): unknown => x.get(key);
  const header = {} as LogHeader;
  for (const key of HEADER_KEYS) {
    const v = get(key);
    if (typeof v !== "string" || v.length === 0) throw new CodecError("shape", subPath(path, key), `${key} must be a non-empty string`);
    header[key] = v;
  }
  const fields = get("fields");
  const fieldsPath = subPath(path, "fields");
  if (!Array.isArray(fields)) throw new CodecError("shape", fieldsPath, "fields must be an array of {name, type, optional} maps");
  header.fields = fields.map((f, i): LogField => {
    const p = subPath(fieldsPath, i);
    if (!(f instanceof Map)) throw new CodecError("shape", p, "a field must be a {name, type, optional} map");
    const name = f.get("name");
    const type = f.get("type");
    const optional = f.has("optional") ? f.get("optional") : false;
    if (typeof name !== "string" || typeof type !== "string" || typeof optional !== "boolean") {
      throw new CodecError("shape", p, "a field needs name (str), type (str) and optional (bool)");
    }
    return { name, type, optional };
  });
  checkLogFields(header.fields, fieldsPath);
  return header;
}

/** Decode a batch payload; CodecError (never anything else) on bad input. */
export function decodeLogBatch(bytes: Uint8Array): LogBatch {
  return decodeFast(bytes) ?? decodeGeneric(bytes);
}

/**
 * The usual batch, read with its header's types (log-reader.ts); undefined
 * whenever anything is not as a canonical encoder writes it — then the
 * generic decoder decides, and says what is wrong, as it always has.
 * Exported for tests (not from index.ts), which compare the two paths.
 */
export function decodeFast(bytes: Uint8Array): LogBatch | undefined {
  if (!(bytes instanceof Uint8Array) || bytes[0] !== 0x92) return undefined;
  try {
    const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerEnd = skipValue(src, 1, src.length);
    if (headerEnd < 0) return undefined;
    const top = unpack(src.subarray(1, headerEnd), ROOT);
    const header = readHeader(top);
    const delivery = readDelivery(top as Map<unknown, unknown>, subPath(ROOT, "header"));
    const types = checkLogFields(header.fields);
    const records = readLogRecords(
      src,
      headerEnd,
      types,
      header.fields.map((f) => f.optional),
    );
    if (!records) return undefined;
    return delivery ? { header, records, delivery } : { header, records };
  } catch {
    return undefined;
  }
}

/** decodeLogBatch without the fast path: every valid encoding, every error. Exported for tests. */
export function decodeGeneric(bytes: Uint8Array): LogBatch {
  const top = unpack(bytes, ROOT);
  if (!Array.isArray(top) || top.length !== 2) throw new CodecError("shape", ROOT, "a log batch is a MessagePack array [header, records]");
  const header = readHeader(top[0]);
  const delivery = readDelivery(top[0] as Map<unknown, unknown>, subPath(ROOT, "header"));
  const types = checkLogFields(header.fields);
  const rows = top[1];
  if (!Array.isArray(rows)) throw new CodecError("shape", subPath(ROOT, "records"), "records must be an array of arrays");
  const records = rows.map((row, r): ZeekValue[] => {
    const path = recordPath(r);
    if (!Array.isArray(row) || row.length !== header.fields.length) {
      throw new CodecError("shape", path, `a record must be an array of ${header.fields.length} values`);
    }
    return row.map((x, i) => {
      const f = header.fields[i]!;
      const p = subPath(path, f.name);
      const v = valueFromWire(x, p, 0);
      if (v === null) {
        if (!f.optional) throw new CodecError("type", p, "field is not optional but has no value");
      } else {
        checkLogValue(v, types[i]!, p);
      }
      return v;
    });
  });
  return delivery ? { header, records, delivery } : { header, records };
}
