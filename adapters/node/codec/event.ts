// Event payload codec: frame 3 of [topic, sender node id, format, payload].
//
// Upstream (broker-bin-v1, design §1.6) wraps an event as
// [version 1, type 1 (Event), [name, args, optional metadata]]. The version
// and message type live in our format name instead (frame 2 says
// "zmq-cluster-msgpack-v1", and it only ever carries events), so the payload
// is the inner part:
//   [name: str, args: array of values]              (no metadata)
//   [name: str, args: array of values, metadata]    (metadata given)
// metadata = array of [id: uint, value] pairs, as upstream: id 1 is the
// network timestamp (a time); ids 1-199 are Zeek's, 200+ users'. Duplicate
// ids are kept in order; upstream's Timestamp() uses the first id 1.

import { CodecError, subPath } from "./errors";
import { decodeEventFast, encodeEventFast } from "./event-fast";
import { pack, unpack, type WireTree } from "./msgpack";
import { valueFromWire, valueToWire } from "./value-codec";
import { checkString, Time, time, type ZeekInput, type ZeekValue } from "./values";

/** Frame 2 for events in this format. */
export const EVENT_FORMAT = "zmq-cluster-msgpack-v1";

/** EventMetadata::NETWORK_TIMESTAMP, upstream's only built-in metadata id. */
export const META_NETWORK_TIMESTAMP = 1;

/** One metadata entry: [id, value]. */
export type MetadataEntry = readonly [id: number, value: ZeekValue];

/** A decoded event. `meta` is absent when the payload had no metadata element. */
export interface ZeekEvent {
  name: string;
  args: ZeekValue[];
  meta?: MetadataEntry[];
}

/**
 * Metadata to attach: either the entries themselves, or the common case
 * spelled out (`networkTimestamp` becomes entry [1, time], first).
 */
export type EventMetaInput =
  | readonly (readonly [number, ZeekInput])[]
  | {
      networkTimestamp?: Time | Date | number;
      entries?: readonly (readonly [number, ZeekInput])[];
    };

const ROOT = "event";

function metaEntries(meta: EventMetaInput): (readonly [number, ZeekInput])[] {
  if (Array.isArray(meta)) return meta as (readonly [number, ZeekInput])[];
  const m = meta as Exclude<EventMetaInput, readonly unknown[]>;
  const out: (readonly [number, ZeekInput])[] = [];
  if (m.networkTimestamp !== undefined) out.push([META_NETWORK_TIMESTAMP, time(m.networkTimestamp)]);
  if (m.entries) out.push(...m.entries);
  return out;
}

function checkMetaId(id: unknown, path: string): number {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0xffffffff) {
    throw new CodecError("range", path, `a metadata id is an integer in 0..2^32-1, got ${String(id)}`);
  }
  return id;
}

function checkMetaValue(id: number, value: ZeekValue | ZeekInput, path: string): void {
  if (id === META_NETWORK_TIMESTAMP && !(value instanceof Time) && !(value instanceof Date)) {
    throw new CodecError("type", path, "metadata id 1 (network timestamp) must be a time");
  }
}

/** Encode an event payload. Throws CodecError for a value without a Zeek type. */
export function encodeEvent(name: string, args: readonly ZeekInput[], meta?: EventMetaInput): Uint8Array {
  if (typeof name !== "string" || name.length === 0) throw new CodecError("range", subPath(ROOT, "name"), "an event name is a non-empty string");
  checkString(name, subPath(ROOT, "name"));
  if (!Array.isArray(args)) throw new CodecError("type", subPath(ROOT, "args"), "args must be an array");
  if (meta === undefined) {
    // Scalar arguments (the common event): written directly (event-fast.ts).
    const fast = encodeEventFast(name, args);
    if (fast) return fast;
  }
  return encodeEventGeneric(name, args, meta);
}

/** encodeEvent through msgpackr, for every value (the fast path's reference; name and args already checked). */
export function encodeEventGeneric(name: string, args: readonly ZeekInput[], meta?: EventMetaInput): Uint8Array {
  const argsPath = subPath(ROOT, "args");
  const tree: WireTree[] = [name, args.map((a, i) => valueToWire(a, subPath(argsPath, i), 0))];
  if (meta !== undefined) {
    const metaPath = subPath(ROOT, "meta");
    tree.push(
      metaEntries(meta).map((entry, i): WireTree => {
        const p = subPath(metaPath, i);
        if (!Array.isArray(entry) || entry.length !== 2) throw new CodecError("shape", p, "a metadata entry is an [id, value] pair");
        const id = checkMetaId(entry[0], p);
        checkMetaValue(id, entry[1], p);
        return [id, valueToWire(entry[1], subPath(p, 1), 0)];
      }),
    );
  }
  return pack(tree);
}

/** Decode an event payload; CodecError (never anything else) on bad input. */
export function decodeEvent(bytes: Uint8Array): ZeekEvent {
  // Scalar arguments in their canonical encoding (the common event): read directly (event-fast.ts).
  if (bytes instanceof Uint8Array) {
    const fast = decodeEventFast(bytes);
    if (fast) return fast;
  }
  return decodeEventGeneric(bytes);
}

/** decodeEvent through msgpackr, for every valid payload (the fast path's reference). */
export function decodeEventGeneric(bytes: Uint8Array): ZeekEvent {
  const top = unpack(bytes, ROOT);
  if (!Array.isArray(top) || (top.length !== 2 && top.length !== 3)) {
    throw new CodecError("shape", ROOT, "an event payload is a MessagePack array [name, args] or [name, args, metadata]");
  }
  const [name, args, meta] = top as unknown[];
  if (typeof name !== "string" || name.length === 0) throw new CodecError("shape", subPath(ROOT, "name"), "the event name must be a non-empty string");
  const argsPath = subPath(ROOT, "args");
  if (!Array.isArray(args)) throw new CodecError("shape", argsPath, "the event arguments must be an array");
  const event: ZeekEvent = { name, args: args.map((a, i) => valueFromWire(a, subPath(argsPath, i), 0)) };
  if (top.length === 3) {
    const metaPath = subPath(ROOT, "meta");
    if (!Array.isArray(meta)) throw new CodecError("shape", metaPath, "event metadata must be an array of [id, value] pairs");
    event.meta = meta.map((entry, i): MetadataEntry => {
      const p = subPath(metaPath, i);
      if (!Array.isArray(entry) || entry.length !== 2) throw new CodecError("shape", p, "a metadata entry must be an [id, value] array");
      const id = checkMetaId(entry[0], p);
      const value = valueFromWire(entry[1], subPath(p, 1), 0);
      checkMetaValue(id, value, p);
      return [id, value];
    });
  }
  return event;
}

/** The network timestamp of an event (the first metadata entry with id 1), if any. */
export function networkTimestamp(event: Pick<ZeekEvent, "meta">): Time | undefined {
  const entry = event.meta?.find(([id]) => id === META_NETWORK_TIMESTAMP);
  return entry ? (entry[1] as Time) : undefined;
}
