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
 * zeek_done: `fn` runs once when the node begins to terminate — whether a
 * script called node.terminate() or the supervisor sent SIGTERM — before
 * its sockets close, so node.counters() still reads live values.
 */
export function onDone(node, fn) {
  const terminate = node.terminate.bind(node);
  let ran = false;
  node.terminate = () => {
    if (!ran) {
      ran = true;
      fn();
    }
    return terminate();
  };
}
