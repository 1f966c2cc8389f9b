// From a nested JS record to a log row, Zeek style.
//
// Zeek logs a record with nested records as flat columns named by path:
// conn's `id: conn_id` becomes `id.orig_h`, `id.orig_p`, ... (the logging
// framework's "unrolling"). The fields of a stream come from a schema, or,
// when none is given, from the first record's values.

import { CodecError } from "./errors";
import { checkLogFields, type LogField } from "./log";
import { logCoercer, parseLogType, formatLogType } from "./types";
import { inputKind, zeekTypeOf, type ZeekInput, type ZeekValue } from "./values";

/**
 * One column in a schema: a type name (`"count"`, `"set[addr]"`), the same
 * with an optional flag, or a nested record whose fields become `name.sub`.
 */
export type FieldSpec = string | { type: string; optional?: boolean } | { record: LogSchema; optional?: boolean };

/** A stream's columns, in order: `{ ts: "time", id: { record: { orig_h: "addr", ... } } }`. */
export interface LogSchema {
  [field: string]: FieldSpec;
}

/** A schema's flat field list (nested records unrolled; an optional record makes its fields optional). */
export function logFieldsFromSchema(schema: LogSchema): LogField[] {
  const out: LogField[] = [];
  walkSchema(schema, "", false, out, 0);
  if (out.length === 0) throw new CodecError("shape", "schema", "a log schema has at least one field");
  return out;
}

function walkSchema(schema: LogSchema, prefix: string, optional: boolean, out: LogField[], depth: number): void {
  if (typeof schema !== "object" || schema === null || depth > 16) throw new CodecError("shape", prefix || "schema", "a schema is an object of field specs");
  for (const key of Object.keys(schema)) {
    const name = prefix + key;
    const spec = schema[key];
    if (typeof spec === "string") {
      out.push({ name, type: formatLogType(parseLogType(spec, name)), optional });
    } else if (spec && typeof spec === "object" && "record" in spec) {
      walkSchema(spec.record, name + ".", optional || spec.optional === true, out, depth + 1);
    } else if (spec && typeof spec === "object" && typeof spec.type === "string") {
      out.push({ name, type: formatLogType(parseLogType(spec.type, name)), optional: optional || spec.optional === true });
    } else {
      throw new CodecError("shape", name, 'a field spec is a type name, {type, optional?} or {record, optional?}');
    }
  }
}

function isRecordInput(v: unknown): v is Record<string, ZeekInput> {
  if (v === null || typeof v !== "object") return false;
  // A plain object is a record (inputKind's last case, tried first here: the
  // common question while flattening); anything else asks inputKind, which
  // throws for objects without a Zeek type.
  const proto = Object.getPrototypeOf(v);
  if ((proto === Object.prototype || proto === null) && !Array.isArray(v)) return true;
  return inputKind(v, "") === "record";
}

/**
 * Fields derived from one record: each leaf's type from its value (a bare
 * number is a double, a bigint a count, ...). Derived fields are optional,
 * since one record cannot tell which fields later records may leave unset.
 * A null leaf or an empty container has no type to derive: pass a schema.
 */
export function logFieldsFromRecord(record: { readonly [field: string]: ZeekInput }): LogField[] {
  if (!isRecordInput(record)) throw new CodecError("type", "record", "a log record is a plain object");
  const out: LogField[] = [];
  const walk = (rec: Record<string, ZeekInput>, prefix: string, depth: number): void => {
    if (depth > 16) throw new CodecError("too-deep", prefix, "records nested too deep to log");
    for (const key of Object.keys(rec)) {
      const name = prefix + key;
      const v = rec[key];
      if (isRecordInput(v)) {
        walk(v, name + ".", depth + 1);
        continue;
      }
      const type = v === null || v === undefined ? undefined : zeekTypeOf(v);
      if (type === undefined) {
        throw new CodecError("type", name, "cannot derive a log field type from an unset value or an empty container; pass a schema");
      }
      out.push({ name, type: formatLogType(parseLogType(type, name)), optional: true });
    }
  };
  walk(record, "", 0);
  if (out.length === 0) throw new CodecError("shape", "record", "a log record has at least one field");
  return out;
}

/**
 * A record's values in the order of `fields`, coerced to their types. The
 * record may be nested (`{id: {orig_h: ...}}`) or already flat
 * (`{"id.orig_h": ...}`). Missing leaves are null (fine for optional
 * fields; encodeLogRecord rejects them for the others); a leaf that is not a
 * field is an error, so a typo does not vanish silently.
 */
export function flattenLogRecord(record: { readonly [field: string]: ZeekInput }, fields: readonly LogField[]): ZeekValue[] {
  if (!isRecordInput(record)) throw new CodecError("type", "record", "a log record is a plain object");
  const plan = planFor(fields);
  const values: ZeekValue[] = new Array<ZeekValue>(fields.length).fill(null);
  walkRecord(record, plan.top, "", 0, values);
  return values;
}

// What flattenLogRecord needs to know about a field list, worked out once
// per list (log() calls it for every record of a stream): for each nesting
// level, which keys are fields (their index, full name and coercer) and which
// lead to fields further down. Keys are looked up as they are, so no name
// string is built per leaf.
interface FlatField {
  index: number;
  name: string;
  coerce: (v: unknown, path: string) => ZeekValue;
}
interface Level {
  fields: Map<string, FlatField>;
  /** Keys that prefix a field name (`id` for `id.orig_h`): the level below. */
  below: Map<string, Level>;
}
const plans = new WeakMap<readonly LogField[], { top: Level }>();

function planFor(fields: readonly LogField[]): { top: Level } {
  let plan = plans.get(fields);
  if (plan) return plan;
  const types = checkLogFields(fields, "fields");
  const levels = new Map<string, Level>(); // by prefix: "", "id.", ...
  const level = (prefix: string): Level => {
    let l = levels.get(prefix);
    if (!l) levels.set(prefix, (l = { fields: new Map(), below: new Map() }));
    return l;
  };
  fields.forEach((f, index) => {
    const field = { index, name: f.name, coerce: logCoercer(types[index]!) };
    // "a.b.c" is key "a.b.c" at the top, "b.c" below "a.", "c" below "a.b.".
    for (let start = 0; ; ) {
      const prefix = f.name.slice(0, start);
      level(prefix).fields.set(f.name.slice(start), field);
      const dot = f.name.indexOf(".", start);
      if (dot < 0) break;
      // Each dot splits the rest: "a" leads from "" to "a.", "a.b" from "" to "a.b.", ...
      for (let d = dot; d >= 0; d = f.name.indexOf(".", d + 1)) {
        level(prefix).below.set(f.name.slice(start, d), level(f.name.slice(0, d + 1)));
      }
      start = dot + 1;
    }
  });
  plan = { top: level("") };
  plans.set(fields, plan);
  return plan;
}

const NO_FIELDS: Level = { fields: new Map(), below: new Map() };

function walkRecord(rec: Record<string, ZeekInput>, level: Level, prefix: string, depth: number, values: ZeekValue[]): void {
  if (depth > 16) throw new CodecError("too-deep", prefix, "records nested too deep to log");
  for (const key of Object.keys(rec)) {
    const v = rec[key];
    const field = level.fields.get(key);
    if (field !== undefined) {
      if (v !== null && v !== undefined) values[field.index] = field.coerce(v, field.name);
    } else if (isRecordInput(v)) {
      walkRecord(v, level.below.get(key) ?? NO_FIELDS, prefix + key + ".", depth + 1, values);
    } else if (v !== null && v !== undefined) {
      throw new CodecError("shape", prefix + key, "not a field of this log stream");
    }
  }
}

/** The same record as a nested object again (`id.orig_h` -> `{id: {orig_h}}`), e.g. for a JSON writer. */
export function unflattenLogRecord(fields: readonly LogField[], values: readonly ZeekValue[]): Record<string, ZeekValue> {
  const out: Record<string, ZeekValue> = {};
  fields.forEach((f, i) => {
    const parts = f.name.split(".");
    let at: Record<string, ZeekValue> = out;
    for (const part of parts.slice(0, -1)) {
      const next = at[part];
      if (next === undefined || next === null || typeof next !== "object" || Array.isArray(next)) {
        const fresh: Record<string, ZeekValue> = {};
        Object.defineProperty(at, part, { value: fresh, enumerable: true, writable: true, configurable: true });
        at = fresh;
      } else {
        at = next as Record<string, ZeekValue>;
      }
    }
    Object.defineProperty(at, parts[parts.length - 1]!, { value: values[i] ?? null, enumerable: true, writable: true, configurable: true });
  });
  return out;
}
