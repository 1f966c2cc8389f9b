// ZeroMQ frames: building and checking the multipart messages of design §1.
//
//   event:        [topic, sender node id, format name, payload]   (XPUB -> XSUB)
//   log batch:    ["log-write", sender node id, format name, batch] (PUSH -> PULL)
//   subscription: [0x01 + topic prefix] / unsubscription [0x00 + topic prefix]
//
// The parsers check what upstream's I/O thread checks (the frame count) and
// return upstream's stderr text for a bad count; the texts for the checks
// that follow (format name, payload) are here too, so a host prints exactly
// upstream's lines (design §1.8). Counting (msg_errors) is the core's job:
// hand the failure to core.checkFrames / core.reportMalformed.

import { LOG_WRITE_TOPIC } from "./log";

export type Channel = "xsub" | "xpub" | "log";

/** A message that failed the frame check. `text` is upstream's stderr line. */
export interface FrameError {
  channel: Channel;
  frames: number;
  text: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: FrameError };

/** A received 4-frame event message. */
export interface EventMessage {
  topic: string;
  sender: string;
  format: string;
  payload: Uint8Array;
}

/** A received 4-frame log message (frame 0 is not checked, as upstream). */
export interface LogMessage {
  sender: string;
  format: string;
  payload: Uint8Array;
}

/** A frame read from an XPUB: a (un)subscription, or something upstream ignores. */
export type Subscription = { kind: "subscribe" | "unsubscribe"; topic: string } | { kind: "ignored" };

const text = (s: string): Buffer => Buffer.from(s, "utf8");
const str = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");

/** The 4 frames of an event. */
export function eventMessage(topic: string, sender: string, format: string, payload: Uint8Array): [Buffer, Buffer, Buffer, Uint8Array] {
  return [text(topic), text(sender), text(format), payload];
}

/** The 4 frames of a log batch. */
export function logMessage(sender: string, format: string, batch: Uint8Array): [Buffer, Buffer, Buffer, Uint8Array] {
  return [text(LOG_WRITE_TOPIC), text(sender), text(format), batch];
}

/** 0x01 + topic: subscribe (written to an XSUB socket, as Zeek does). */
export function subscriptionFrame(topic: string): Buffer {
  return Buffer.concat([Buffer.of(0x01), text(topic)]);
}

/** 0x00 + topic: unsubscribe. */
export function unsubscriptionFrame(topic: string): Buffer {
  return Buffer.concat([Buffer.of(0x00), text(topic)]);
}

/** A received message's size as max_message_size measures it: the bytes of all its frames. */
export function messageSize(frames: readonly Uint8Array[]): number {
  let n = 0;
  for (let i = 0; i < frames.length; i++) n += frames[i]!.length;
  return n;
}

/** What goes in the parentheses of `[zeromq] <channel>: error: message too large (...)`. */
export function oversizedDetail(size: number, max: number): string {
  return `${size} bytes, max_message_size ${max}`;
}

/** `[zeromq] <channel>: error: expected N part(s), have M!` (ZeroMQ.cc I/O thread). */
export function frameCountText(channel: Channel, frames: number): string {
  const want = channel === "xpub" ? 1 : 4;
  return `[zeromq] ${channel}: error: expected ${want} ${want === 1 ? "part" : "parts"}, have ${frames}!`;
}

function fail(channel: Channel, frames: number): { ok: false; error: FrameError } {
  return { ok: false, error: { channel, frames, text: frameCountText(channel, frames) } };
}

/** Check and split an event received on the XSUB. */
export function parseEventMessage(frames: readonly Uint8Array[]): ParseResult<EventMessage> {
  if (frames.length !== 4) return fail("xsub", frames.length);
  return { ok: true, value: { topic: str(frames[0]!), sender: str(frames[1]!), format: str(frames[2]!), payload: frames[3]! } };
}

/** Check and split a log batch received on the PULL. */
export function parseLogMessage(frames: readonly Uint8Array[]): ParseResult<LogMessage> {
  if (frames.length !== 4) return fail("log", frames.length);
  return { ok: true, value: { sender: str(frames[1]!), format: str(frames[2]!), payload: frames[3]! } };
}

/**
 * Check and read a message received on the XPUB. A frame that is empty or
 * starts with neither 0 nor 1 is ignored without a word, as upstream does.
 */
export function parseSubscription(frames: readonly Uint8Array[]): ParseResult<Subscription> {
  if (frames.length !== 1) return fail("xpub", frames.length);
  const f = frames[0]!;
  if (f.length === 0 || (f[0] !== 0 && f[0] !== 1)) return { ok: true, value: { kind: "ignored" } };
  return { ok: true, value: { kind: f[0] === 1 ? "subscribe" : "unsubscribe", topic: str(f.subarray(1)) } };
}

/** Reporter error for an event in a format this node does not speak (Backend.cc). */
export function wrongEventFormatText(got: string, mine: string): string {
  return `ProcessEventMessage: Wrong format: ${got} vs ${mine}`;
}

/** Reporter error for an event payload that does not decode (Backend.cc). */
export function undecodableEventText(topic: string, payload: Uint8Array): string {
  return `Failed to unserialize message: ${topic}: ${escapeBytes(payload)}`;
}

/** Reporter error for a log batch in a format this node does not speak. */
export function wrongLogFormatText(got: string, mine: string): string {
  return `Got log message in format '${got}', but have deserializer '${mine}'`;
}

/** Reporter error for a log batch that does not decode. */
export function undecodableLogText(format: string): string {
  return `Failed to unserialize log message using '${format}'`;
}

/**
 * Zeek's util::get_escaped_string(s, false): whitespace, non-ASCII and
 * non-printable bytes as `\xNN` (lowercase hex), everything else as is.
 */
export function escapeBytes(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (b > 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += "\\x" + b.toString(16).padStart(2, "0");
  }
  return out;
}
