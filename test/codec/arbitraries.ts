// fast-check generators for every Zeek type of the value model.

import fc from "fast-check";
import {
  addr,
  COUNT_MAX,
  enumValue,
  int,
  INT_MAX,
  INT_MIN,
  interval,
  port,
  PORT_PROTOS,
  set,
  Subnet,
  table,
  time,
  type ZeekValue,
} from "../../adapters/node/codec/index";

const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

export const text = fc.string({ unit: "binary", maxLength: 40 }).filter(wellFormed);
export const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);

/** Counts, biased towards the edges of every integer width. */
export const countArb = fc.oneof(
  fc.bigInt({ min: 0n, max: COUNT_MAX }),
  fc.constantFrom(0n, 0xffn, 0x100n, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, (1n << 53n) + 1n, COUNT_MAX),
);
export const intArb = fc
  .oneof(
    fc.bigInt({ min: INT_MIN, max: INT_MAX }),
    fc.constantFrom(INT_MIN, INT_MAX, -1n, 0n, -128n, 127n, -129n, 128n, -32768n, 32767n, -(2n ** 31n), 2n ** 31n - 1n, 2n ** 31n),
  )
  .map(int);
export const doubleArb = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, -1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity));
export const addrArb = fc.oneof(fc.ipV4(), fc.ipV6()).map((s) => addr(s));
export const subnetArb = fc
  .tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }))
  .map(([b, w]) => new Subnet(b, w))
  .chain((s4) =>
    fc.oneof(
      fc.constant(s4),
      fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 })).map(([b, w]) => new Subnet(b, w)),
    ),
  );
export const portArb = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(...PORT_PROTOS)).map(([n, p]) => port(n, p));
export const enumArb = fc.stringMatching(/^[A-Z][A-Za-z]{0,6}::[A-Z_]{1,8}$/).map(enumValue);

export const scalarArb: fc.Arbitrary<ZeekValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  doubleArb,
  countArb,
  intArb,
  text,
  fc.uint8Array({ maxLength: 40 }),
  addrArb,
  subnetArb,
  portArb,
  doubleArb.map(time),
  doubleArb.map(interval),
  enumArb,
);

/** Any value, containers up to 3 levels deep. */
export const valueArb: fc.Arbitrary<ZeekValue> = fc.letrec<{ value: ZeekValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.array(tie("value"), { maxLength: 5 }).map((xs) => set(xs)),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 4 }).map((es) => table(es)),
    fc.dictionary(identifier, tie("value"), { maxKeys: 5 }),
  ),
})).value;
