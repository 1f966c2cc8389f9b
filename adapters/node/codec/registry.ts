// Format registry: frame 2 (the format name) -> codec.
//
// Upstream compares frame 2 with the one serializer it is configured with
// (design §1.5, §1.8). We keep a registry instead, so a node can speak more
// than one format and a new one (say a broker-bin-v1 codec, which we do not
// implement: it is Broker's binary format, not ours) can be added without
// touching the adapter. A name that is not registered is a lookup miss; the
// caller counts it (core.reportMalformed with MALFORMED_UNKNOWN_FORMAT) and
// logs upstream's text.

import { CodecError } from "./errors";
import { decodeEvent, encodeEvent, EVENT_FORMAT, type EventMetaInput, type ZeekEvent } from "./event";
import { decodeLogBatch, encodeLogBatch, LOG_FORMAT, type LogBatch, type LogHeader } from "./log";
import { undecodableEventText, undecodableLogText, wrongEventFormatText, wrongLogFormatText } from "./frames";
import type { ZeekInput } from "./values";

/** An event payload format (frame 3 of an event message). */
export interface EventCodec {
  readonly name: string;
  encode(name: string, args: readonly ZeekInput[], meta?: EventMetaInput): Uint8Array;
  /** Throws CodecError on bad input. */
  decode(payload: Uint8Array): ZeekEvent;
}

/** A log batch format (frame 3 of a log message). */
export interface LogCodec {
  readonly name: string;
  encode(header: LogHeader, records: readonly (readonly ZeekInput[])[]): Uint8Array;
  /** Throws CodecError on bad input. */
  decode(payload: Uint8Array): LogBatch;
}

export const msgpackEventCodec: EventCodec = { name: EVENT_FORMAT, encode: encodeEvent, decode: decodeEvent };
export const msgpackLogCodec: LogCodec = { name: LOG_FORMAT, encode: encodeLogBatch, decode: decodeLogBatch };

/** Why a received payload could not be used; `text` is upstream's reporter error. */
export type DecodeFailure = { ok: false; reason: "unknown-format" | "undecodable"; text: string; error?: CodecError };

export class FormatRegistry {
  private readonly events = new Map<string, EventCodec>();
  private readonly logs = new Map<string, LogCodec>();
  /** The format this node publishes events in (the first registered, unless set). */
  eventFormatName = "";
  /** The format this node sends log batches in. */
  logFormatName = "";

  /** A registry with our msgpack event and log formats (the defaults). */
  static withDefaults(): FormatRegistry {
    return new FormatRegistry().registerEventFormat(msgpackEventCodec).registerLogFormat(msgpackLogCodec);
  }

  registerEventFormat(codec: EventCodec): this {
    if (this.events.has(codec.name)) throw new Error(`event format ${codec.name} is already registered`);
    this.events.set(codec.name, codec);
    if (!this.eventFormatName) this.eventFormatName = codec.name;
    return this;
  }

  registerLogFormat(codec: LogCodec): this {
    if (this.logs.has(codec.name)) throw new Error(`log format ${codec.name} is already registered`);
    this.logs.set(codec.name, codec);
    if (!this.logFormatName) this.logFormatName = codec.name;
    return this;
  }

  /** The codec for frame 2 of an event, or undefined (count it as a malformed message). */
  eventFormat(name: string): EventCodec | undefined {
    return this.events.get(name);
  }

  /** The codec for frame 2 of a log message, or undefined (count it). */
  logFormat(name: string): LogCodec | undefined {
    return this.logs.get(name);
  }

  eventFormatNames(): string[] {
    return [...this.events.keys()];
  }

  logFormatNames(): string[] {
    return [...this.logs.keys()];
  }

  /** The codec events are published with. */
  get eventCodec(): EventCodec {
    const c = this.events.get(this.eventFormatName);
    if (!c) throw new Error("no event format registered");
    return c;
  }

  /** The codec log batches are sent with. */
  get logCodec(): LogCodec {
    const c = this.logs.get(this.logFormatName);
    if (!c) throw new Error("no log format registered");
    return c;
  }

  /** Look up and decode an event payload; a failure carries upstream's text. */
  decodeEvent(format: string, topic: string, payload: Uint8Array): { ok: true; event: ZeekEvent } | DecodeFailure {
    const codec = this.events.get(format);
    if (!codec) return { ok: false, reason: "unknown-format", text: wrongEventFormatText(format, this.eventFormatName) };
    try {
      return { ok: true, event: codec.decode(payload) };
    } catch (err) {
      return { ok: false, reason: "undecodable", text: undecodableEventText(topic, payload), error: asCodecError(err) };
    }
  }

  /** Look up and decode a log batch; a failure carries upstream's text. */
  decodeLogBatch(format: string, payload: Uint8Array): { ok: true; batch: LogBatch } | DecodeFailure {
    const codec = this.logs.get(format);
    if (!codec) return { ok: false, reason: "unknown-format", text: wrongLogFormatText(format, this.logFormatName) };
    try {
      return { ok: true, batch: codec.decode(payload) };
    } catch (err) {
      return { ok: false, reason: "undecodable", text: undecodableLogText(format), error: asCodecError(err) };
    }
  }
}

function asCodecError(err: unknown): CodecError {
  if (err instanceof CodecError) return err;
  // A third-party codec may throw anything; keep it as the cause.
  return new CodecError("malformed", "", err instanceof Error ? err.message : String(err), { cause: err });
}
