// The one error type of the codec.
//
// Everything that can go wrong while encoding a value or decoding a payload
// ends in a CodecError, never in a TypeError or RangeError from deep inside
// a library: the receiving side must be able to count and log a bad message
// (upstream's "Failed to unserialize message" path, design §1.8) and go on.

/** Why a value or payload was rejected. */
export type CodecErrorCode =
  /** The bytes end in the middle of a MessagePack value. */
  | "truncated"
  /** The bytes are not valid MessagePack (or have trailing bytes). */
  | "malformed"
  /** Valid MessagePack, but not the layout this format defines. */
  | "shape"
  /** A value that has no Zeek type, or a value of the wrong Zeek type. */
  | "type"
  /** A number, length or name outside what its type allows. */
  | "range"
  /** Containers nested deeper than MAX_NESTING. */
  | "too-deep";

export class CodecError extends Error {
  override readonly name = "CodecError";
  readonly code: CodecErrorCode;
  /** Where in the payload or value, e.g. `args[1].id.orig_h`; "" for the top. */
  readonly path: string;

  constructor(code: CodecErrorCode, path: string, detail: string, options?: { cause?: unknown }) {
    super(path ? `${path}: ${detail}` : detail, options);
    this.code = code;
    this.path = path;
  }
}

/** Append a field name or index to a path for error messages. */
export function subPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
