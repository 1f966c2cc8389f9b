// Rendering log values for the file writers, as Zeek's own writers render
// them. Values arrive decoded by the wire codec: JS primitives (a number is a
// double, a bigint a count, a Uint8Array a string of raw bytes) and the
// codec's typed classes (int, addr, subnet, port, time, interval, enum, set,
// table).
//
// JSON follows src/threading/formatters/JSON.cc (LogAscii::use_json with
// the default JSON::TS_EPOCH timestamps and the default string escape policy):
// ports and ints are numbers, a double, time or interval that is NaN or
// infinite is null (its NullDoubleWriter), strings, enums and raw bytes go
// through util::escape_utf8(…, ESCAPE_UNPRINTABLE_CONTROLS) before JSON
// quoting. TSV follows src/threading/formatters/Ascii.cc: a port is its
// number, a double drops trailing zeros but keeps ".0" on whole numbers
// (ODesc::Add(double, no_exp)), times and intervals have six decimals, a
// string that is exactly "-" or "(empty)" has its first byte escaped.

import { Buffer } from "node:buffer";
import { Interval, Port, Time, ZeekInt } from "../adapters/node/codec/index";

/** Zeek ASCII (TSV) rendering of one field. */
export function logValueToText(v: unknown): string {
  if (v === undefined || v === null) return "-";
  switch (typeof v) {
    case "string":
      return v.length === 0 ? "(empty)" : reservedText(escapeText(v));
    case "boolean":
      return v ? "T" : "F";
    case "number":
      return doubleText(v);
    case "bigint":
      return v.toString();
  }
  if (v instanceof Uint8Array) return v.length === 0 ? "(empty)" : reservedText(escapeTextBytes(v));
  if (v instanceof Port) return String(v.number);
  if (Array.isArray(v)) return v.length === 0 ? "(empty)" : v.map(logValueToText).join(",");
  const items = containerItems(v);
  if (items) return items.length === 0 ? "(empty)" : items.map(logValueToText).join(",");
  const seconds = timeSeconds(v);
  if (seconds !== undefined) return fixed6(seconds);
  return escapeText(String(v));
}

/** Zeek JSON rendering of one field (a JSON text). */
export function logValueToJson(v: unknown): string {
  if (v === undefined || v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(escapeUtf8(v));
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "bigint":
      return v.toString();
  }
  if (v instanceof Uint8Array) return JSON.stringify(escapeUtf8Bytes(v));
  if (v instanceof Port) return String(v.number);
  if (v instanceof ZeekInt) return v.value.toString();
  if (Array.isArray(v)) return "[" + v.map(logValueToJson).join(",") + "]";
  const items = containerItems(v);
  if (items) return "[" + items.map(logValueToJson).join(",") + "]";
  const seconds = timeSeconds(v);
  if (seconds !== undefined) return Number.isFinite(seconds) ? String(seconds) : "null";
  // enum, addr, subnet (and anything else with a Zeek-style toString()).
  return JSON.stringify(escapeUtf8(String(v)));
}

function containerItems(v: object): unknown[] | undefined {
  if (v instanceof Set) return [...v];
  const items = (v as { items?: unknown; values?: unknown }).items;
  if (Array.isArray(items)) return items;
  return undefined;
}

function timeSeconds(v: object): number | undefined {
  if (v instanceof Time || v instanceof Interval) return v.seconds;
  const s = (v as { seconds?: unknown }).seconds;
  return typeof s === "number" ? s : undefined;
}

// ---------------------------------------------------------------------------
// Numbers

/** std::to_chars(fixed) spellings of the values that are not finite. */
function nonFinite(x: number): string {
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

/** Formatter::Render(double): fixed, six decimals (times and intervals). */
function fixed6(x: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  // toFixed switches to exponent notation from 1e21; such doubles are whole.
  return Math.abs(x) < 1e21 ? x.toFixed(6) : BigInt(x).toString() + ".000000";
}

/**
 * ODesc::Add(double, no_exp = true) with six digits (util::double_to_str):
 * fixed notation, trailing zeros and a bare dot dropped, and ".0" appended
 * to a whole number so that it still reads as a double.
 */
function doubleText(x: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  let s = Math.abs(x) < 1e21 ? Math.abs(x).toFixed(6) : BigInt(Math.abs(x)).toString();
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  if (x < 0) s = "-" + s; // upstream writes the sign first, so -1e-7 is "-0"
  if (Math.abs(x - Math.round(x)) < 1e-9) s += ".0";
  return s;
}

// ---------------------------------------------------------------------------
// Strings

/** Bytes that pass through util::escape_utf8 as they are: printable ASCII and \b \f \n \r \t. */
function passes(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || c === 0x08 || c === 0x0c || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Length of the UTF-8 sequence a lead byte announces (ConvertUTF.c's trailingBytesForUTF8 + 1). */
function sequenceLength(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf8 ? 4 : lead < 0xfc ? 5 : 6;
}

/**
 * util.cc's check_ok_utf8: a well-formed UTF-8 sequence (no overlong form,
 * no surrogate, at most U+10FFFF) whose code point is not a C0/C1 control,
 * DEL, private use (U+E000-U+F8FF) or a special (U+FFF0-U+FFFF).
 */
function okSequence(b: Uint8Array, i: number, n: number): boolean {
  const lead = b[i]!;
  let cp: number;
  if (n === 1) cp = lead;
  else if (n === 2) {
    if (lead < 0xc2) return false;
    cp = lead & 0x1f;
  } else if (n === 3) cp = lead & 0x0f;
  else if (n === 4) {
    if (lead > 0xf4) return false;
    cp = lead & 0x07;
  } else return false;
  if (n === 1 && lead >= 0x80) return false; // a continuation byte with no lead
  for (let k = 1; k < n; k++) {
    const c = b[i + k]!;
    if ((c & 0xc0) !== 0x80) return false;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return false;
  if (n === 4 && (cp < 0x10000 || cp > 0x10ffff)) return false;
  if (cp <= 0x1f || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return false;
  if ((cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xffff)) return false;
  return true;
}

function hex(c: number): string {
  return "\\x" + (c < 16 ? "0" : "") + c.toString(16);
}

/**
 * util::escape_utf8(bytes, ESCAPE_UNPRINTABLE_CONTROLS), Zeek's escaping for
 * strings in JSON logs: the text as it is when every character is printable
 * (UTF-8 included); otherwise, from the first character that is not (a
 * control other than \b \f \n \r \t, DEL, a C1 control, private use, or
 * invalid UTF-8), upstream switches to its fully escaped copy, in which every
 * byte outside printable ASCII — earlier valid UTF-8 too — is `\xNN`.
 */
export function escapeUtf8Bytes(b: Uint8Array): string {
  let i = 0;
  while (i < b.length) {
    if (passes(b[i]!)) {
      i++;
      continue;
    }
    const n = sequenceLength(b[i]!);
    if (i + n > b.length || !okSequence(b, i, n)) return escapeAll(b);
    i += n;
  }
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString("utf8");
}

function escapeAll(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    out += passes(c) ? String.fromCharCode(c) : hex(c);
  }
  return out;
}

/** escapeUtf8Bytes for a string's UTF-8 bytes; plain printable ASCII is returned as it is. */
export function escapeUtf8(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return escapeUtf8Bytes(Buffer.from(s, "utf8"));
  }
  return s;
}

function escapeText(s: string): string {
  // Zeek's ASCII writer escapes the separators and non-printable bytes as \xNN.
  return s.replace(/[\x00-\x1f\x7f\\]/g, (c) => (c === "\\" ? "\\\\" : hex(c.charCodeAt(0))));
}

/** escapeText for raw bytes: valid UTF-8 stays text, every other byte outside printable ASCII is \xNN. */
function escapeTextBytes(b: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x5c ? "\\\\" : String.fromCharCode(c);
      i++;
      continue;
    }
    const n = sequenceLength(c);
    if (c >= 0x80 && i + n <= b.length && okSequence(b, i, n)) {
      out += Buffer.from(b.buffer, b.byteOffset + i, n).toString("utf8");
      i += n;
      continue;
    }
    out += hex(c);
    i++;
  }
  return out;
}

/** Ascii.cc's escapeReservedContent: a value spelled like the unset or empty marker gets its first byte escaped. */
function reservedText(s: string): string {
  return s === "-" || s === "(empty)" ? hex(s.charCodeAt(0)) + s.slice(1) : s;
}
