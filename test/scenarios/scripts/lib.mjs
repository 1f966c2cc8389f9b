// Helpers shared by the scenario scripts: Zeek's `print` and `zeek_done`.

/** Zeek's `print a, b, c`: values joined by ", ", booleans as T/F. */
export function print(...args) {
  console.log(args.map(zeekString).join(", "));
}

/** fmt("%s", v). */
export function zeekString(v) {
  if (typeof v === "boolean") return v ? "T" : "F";
  return String(v);
}

/**
 * zeek_done: `fn` runs once when the node has terminated — whether a script
 * called node.terminate() or the supervisor sent SIGTERM — after the last
 * queued events were handled; node.counters() then holds the final values.
 */
export function onDone(node, fn) {
  node.once("terminated", fn);
}
