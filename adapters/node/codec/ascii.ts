// Bytes already known to be ASCII, as a string: the last step of both fast
// MessagePack readers (event-fast.ts for events, log-reader.ts for log
// batches), which check the bytes themselves (the first gives up on
// anything else, the second decodes UTF-8).
//
// Short strings are built from their char codes, eight at a time: a native
// slice costs ~100 ns however short, and most of Zeek's strings (names,
// topics, node ids, log fields) are short. Longer ones go through Buffer's
// own latin1Slice, which is what toString("latin1", a, b) ends in, without
// the encoding lookup.

import { Buffer } from "node:buffer";

/** Buffer's latin1Slice (not in @types/node); it takes any Uint8Array as `this`. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** From this many bytes on, the native slice is the cheaper. */
const NATIVE_FROM = 32;

/** `n` bytes of `b` from `at`, every one below 0x80, as a string. */
export function asciiString(b: Uint8Array, at: number, n: number): string {
  if (n >= NATIVE_FROM) return latin1Slice.call(b, at, at + n);
  const f = String.fromCharCode;
  let s = "";
  for (; n >= 8; at += 8, n -= 8) s += f(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
  for (; n >= 4; at += 4, n -= 4) s += f(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
  if (n === 1) return s + f(b[at]!);
  if (n === 2) return s + f(b[at]!, b[at + 1]!);
  if (n === 3) return s + f(b[at]!, b[at + 1]!, b[at + 2]!);
  return s;
}
