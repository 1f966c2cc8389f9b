// Schema building blocks for the options and the layout: valibot schemas
// whose error messages, and the order in which they come, are those the
// zod 4 schemas gave before, so the texts operators, scripts and tests know
// stay byte for byte the same.
//
// Why valibot and not zod: a process that imports zod 4 (and builds the
// options schema) keeps ~14 MB more RSS than bare Node; valibot ~2 MB, and
// less once bundled (bench/README.md, Memory). A node's idle RSS target is
// 60 MB and zod alone took it over.
//
// The leaves (numbers, strings, booleans, choices, arrays) are valibot
// schemas and actions with zod's messages. The two structural shapes are
// small loops here because their zod semantics differ from valibot's: a
// strict object runs every declared key's schema even when the key is
// absent (so a missing required key gets that schema's message, not a
// "missing key" one), reads inherited properties, accepts any non-array
// object and lists all unknown keys in one issue after the field issues; a
// record accepts only plain objects, rejects an empty key without checking
// its value, and keeps keys such as "constructor" that valibot skips.

import * as v from "valibot";

type Issue = v.BaseIssue<unknown>;
/** A schema that validates `unknown` into `O`, accepting `I` as the typed input. */
export type Schema<I, O> = v.GenericSchema<I, O, Issue>;
type PathItem = NonNullable<Issue["path"]>[number];

/** What zod calls a value in "received ..." (its `parsedType`, English names). */
export function received(x: unknown): string {
  switch (typeof x) {
    case "number":
      return Number.isNaN(x) ? "NaN" : Number.isFinite(x) ? "number" : String(x);
    case "object": {
      if (x === null) return "null";
      if (Array.isArray(x)) return "array";
      if (Object.getPrototypeOf(x) !== Object.prototype && "constructor" in x && x.constructor) {
        return (x.constructor as { name: string }).name;
      }
      return "object";
    }
    default:
      return typeof x;
  }
}

/** zod's type mismatch message. */
const expected = (what: string) => (issue: Issue) => `Invalid input: expected ${what}, received ${received(issue.input)}`;

/**
 * A check that ends the checks of its value when it fails, as zod's type
 * and integer checks do (a later minimum is then not reported).
 */
function stop<T>(ok: (x: T) => boolean, message: (x: T) => string) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (dataset.typed && !ok(dataset.value)) {
      addIssue({ message: message(dataset.value) });
      (dataset as { typed: boolean }).typed = false;
    }
  });
}

const NUMBER = v.number(expected("number"));
// zod rejects Infinity as "not a number"; valibot's number() accepts it.
const FINITE = stop<number>(Number.isFinite, (x) => `Invalid input: expected number, received ${received(x)}`);

/** z.number() with optional .min(min) / .positive(). */
export function number(o: { min?: number; positive?: true } = {}): Schema<number, number> {
  let s: Schema<number, number> = v.pipe(NUMBER, FINITE);
  if (o.min !== undefined) s = v.pipe(s, v.minValue(o.min, `Too small: expected number to be >=${o.min}`));
  if (o.positive) s = v.pipe(s, v.gtValue(0, "Too small: expected number to be >0"));
  return s;
}

/** z.number().int() with optional .min(min, message) and .max(max). */
export function int(o: { min?: number; minMessage?: string; max?: number } = {}): Schema<number, number> {
  let s: Schema<number, number> = v.pipe(
    NUMBER,
    FINITE,
    stop<number>(Number.isInteger, () => "Invalid input: expected int, received number"),
    // zod's int() is a safe integer: its range is checked before .min/.max.
    v.minValue(Number.MIN_SAFE_INTEGER, `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`),
    v.maxValue(Number.MAX_SAFE_INTEGER, `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`),
  );
  if (o.min !== undefined) s = v.pipe(s, v.minValue(o.min, o.minMessage ?? `Too small: expected number to be >=${o.min}`));
  if (o.max !== undefined) s = v.pipe(s, v.maxValue(o.max, `Too big: expected number to be <=${o.max}`));
  return s;
}

export const boolean: Schema<boolean, boolean> = v.boolean(expected("boolean"));

/** z.string(), or z.string().min(1). */
export function string(o: { nonEmpty?: true } = {}): Schema<string, string> {
  if (!o.nonEmpty) return v.string(expected("string"));
  return v.pipe(
    v.string(expected("string")),
    v.minLength(1, "Too small: expected string to have >=1 characters"),
    // zod still runs its length check on a value of the wrong type that has
    // a length (an array, a function): a second line, as before.
    v.rawCheck(({ dataset, addIssue }) => {
      const x = dataset.value as unknown;
      if (dataset.typed || x === null || x === undefined || typeof x === "string") return;
      const n = (x as { length?: unknown }).length;
      if (n === undefined || (n as number) >= 1) return;
      addIssue({ message: Array.isArray(x) ? "Too small: expected array to have >=1 items" : "Too small: expected unknown to be >=1" });
    }),
  );
}

/** z.string().regex(re, message). */
export function pattern(re: RegExp, message: string): Schema<string, string> {
  return v.pipe(v.string(expected("string")), v.regex(re, message));
}

/** z.union([z.string().regex(re, message), z.literal("")]): zod says only "Invalid input" for a non-string. */
export function patternOrEmpty(re: RegExp, message: string): Schema<string, string> {
  return v.pipe(
    v.string("Invalid input"),
    v.check((s) => s === "" || re.test(s), message),
  );
}

/** z.enum(values). */
export function choice<const T extends readonly [string, ...string[]]>(values: T): Schema<T[number], T[number]> {
  return v.picklist(values, `Invalid option: expected one of ${values.map((x) => `"${x}"`).join("|")}`);
}

/** z.array(item). */
export function array<I, O>(item: Schema<I, O>): Schema<I[], O[]> {
  return v.array(item, expected("array"));
}

/** .default(value): undefined becomes `value` (checked, as zod's defaults are valid by construction). */
export function withDefault<I, O>(schema: Schema<I, O>, value: O & I): Schema<I | undefined, O> {
  return v.optional(schema, value as never) as unknown as Schema<I | undefined, O>;
}

/** zod's .default(value) on an object: undefined becomes `value` as it is (zod does not parse a default). */
export function defaultAsIs<I, O>(schema: Schema<I, O>, value: () => O): Schema<I | undefined, O> {
  return v.pipe(
    v.optional(schema),
    v.transform((x) => (x === undefined ? value() : x)),
  );
}

/** .optional(). */
export function optional<I, O>(schema: Schema<I, O>): Schema<I | undefined, O | undefined> {
  return v.optional(schema);
}

type RawAddIssue = (info: { message: string; path?: [PathItem, ...PathItem[]] }) => void;

/** Run `schema` on one property of `input`; its issues join the outer ones under that key. */
function runAt<O>(schema: Schema<unknown, O>, input: object, key: PropertyKey, addIssue: RawAddIssue) {
  const value = (input as Record<PropertyKey, unknown>)[key];
  const r = v.safeParse(schema, value);
  if (r.success) return r;
  const at = { type: "object", origin: "value", input, key, value } as unknown as PathItem;
  for (const i of r.issues) addIssue({ message: i.message, path: [at, ...((i.path ?? []) as PathItem[])] });
  return r;
}

type Entries = Record<string, Schema<any, any>>;
/** Keys whose schema accepts undefined are optional in the input; those whose output may be undefined are optional in the output. */
type Opt<E extends Entries, K extends keyof E, X> = K extends keyof E ? (undefined extends X ? K : never) : never;
type Req<E extends Entries, K extends keyof E, X> = K extends keyof E ? (undefined extends X ? never : K) : never;
type Flat<T> = { [K in keyof T]: T[K] } & {};
export type ObjectIn<E extends Entries> = Flat<
  { [K in keyof E as Req<E, K, v.InferInput<E[K]>>]: v.InferInput<E[K]> } & {
    [K in keyof E as Opt<E, K, v.InferInput<E[K]>>]?: v.InferInput<E[K]>;
  }
>;
export type ObjectOut<E extends Entries> = Flat<
  { [K in keyof E as Req<E, K, v.InferOutput<E[K]>>]: v.InferOutput<E[K]> } & {
    [K in keyof E as Opt<E, K, v.InferOutput<E[K]>>]?: v.InferOutput<E[K]>;
  }
>;

const isObject = (x: unknown): x is object => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * z.object(entries).strict(): every declared key in declaration order (an
 * absent key's schema sees undefined; an absent key whose result is
 * undefined stays absent), then one issue naming every unknown key.
 */
export function strictObject<E extends Entries>(entries: E): Schema<ObjectIn<E>, ObjectOut<E>> & { entries: E } {
  const schema = v.pipe(
    v.custom<object>(isObject, expected("object")),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value;
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const key of Object.keys(entries)) {
        const r = runAt(entries[key]!, input, key, addIssue);
        if (!r.success) ok = false;
        else if (r.output !== undefined || key in input) out[key] = r.output;
      }
      const unknown: string[] = [];
      for (const key in input) if (!Object.prototype.hasOwnProperty.call(entries, key)) unknown.push(key);
      if (unknown.length) {
        ok = false;
        addIssue({ message: `Unrecognized key${unknown.length > 1 ? "s" : ""}: ${unknown.map((k) => `"${k}"`).join(", ")}` });
      }
      return ok ? out : NEVER;
    }),
  );
  return Object.assign(schema as unknown as Schema<ObjectIn<E>, ObjectOut<E>>, { entries });
}

/** zod's isPlainObject: what a record accepts (not a Map, a Date, a class instance). */
function isPlainObject(x: unknown): x is object {
  if (!isObject(x)) return false;
  const ctor = (x as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== "function") return true;
  const proto = (ctor as { prototype?: unknown }).prototype;
  return isObject(proto) && Object.prototype.hasOwnProperty.call(proto, "isPrototypeOf");
}

/**
 * z.record(z.string().min(1), value): own enumerable keys ("__proto__"
 * skipped, as zod does); an empty or symbol key is "Invalid key in record"
 * and its value is not checked.
 */
export function record<I, O>(value: Schema<I, O>): Schema<Record<string, I>, Record<string, O>> {
  return v.pipe(
    v.custom<object>(isPlainObject, expected("record")),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value;
      const out: Record<string, O> = {};
      let ok = true;
      for (const key of Reflect.ownKeys(input)) {
        if (key === "__proto__" || !Object.prototype.propertyIsEnumerable.call(input, key)) continue;
        if (typeof key !== "string" || key.length === 0) {
          ok = false;
          const at = { type: "object", origin: "key", input, key, value: (input as Record<PropertyKey, unknown>)[key] };
          addIssue({ message: "Invalid key in record", path: [at as unknown as PathItem] });
          continue;
        }
        const r = runAt(value, input, key, addIssue);
        if (r.success) out[key] = r.output;
        else ok = false;
      }
      return ok ? out : NEVER;
    }),
  ) as unknown as Schema<Record<string, I>, Record<string, O>>;
}

/** .refine(ok, message) on a schema's output (runs only when the value itself is valid, as zod's does here). */
export function refine<I, O>(schema: Schema<I, O>, ok: (x: O) => boolean, message: string): Schema<I, O> {
  return v.pipe(schema, v.check(ok, message)) as Schema<I, O>;
}

/** A check across an object's fields, reported as an issue of field `key` (zod's refine with a path). */
export function refineField<I, O extends object>(schema: Schema<I, O>, key: keyof O & string, ok: (x: O) => boolean, message: string): Schema<I, O> {
  const check = v.forward(v.check((x: Record<string, unknown>) => ok(x as O), message), [key] as never);
  return v.pipe(schema as never, check as never) as unknown as Schema<I, O>;
}

/** Issues with their path as property keys (zod's `issue.path`). */
export function issuesOf(input: unknown, schema: Schema<unknown, unknown>) {
  const r = v.safeParse(schema, input);
  if (r.success) return { success: true as const, data: r.output };
  return {
    success: false as const,
    issues: r.issues.map((i) => ({ message: i.message, path: (i.path ?? []).map((p) => p.key as PropertyKey) })),
  };
}
