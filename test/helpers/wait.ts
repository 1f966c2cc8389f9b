// Waiting on events with a bounded timeout (never sleeping as synchronisation).
import type { EventEmitter } from "node:events";

/** Resolve when `check()` is true, re-checked on every `event` of `emitter`; reject after `ms` saying what was seen. */
export function waitFor(
  emitter: EventEmitter,
  events: string | string[],
  check: () => boolean,
  ms = 10_000,
  what = "condition",
  seen: () => unknown = () => undefined,
): Promise<void> {
  const names = Array.isArray(events) ? events : [events];
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const n of names) emitter.off(n, onEvent);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = () => {
      if (check()) done();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what}; seen: ${JSON.stringify(seen())}`)), ms);
    for (const n of names) emitter.on(n, onEvent);
    if (check()) done();
  });
}

/** The next emission of `event`, with its arguments. */
export function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`timed out after ${ms} ms waiting for '${event}'`));
    }, ms);
    const on = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, on);
  });
}
