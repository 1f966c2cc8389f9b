// Node ids, ported from main.zeek's
//   const my_node_id = fmt("zeromq_%s_%s_%s_%s", Cluster::node, gethostname(), getpid(), unique_id("N"));
// The core reads no host name, pid or randomness: the host passes them in.

const ALPHANUMERICS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * unique_id("N"): "N" followed by one alphanumeric character per entropy byte.
 * The host supplies the bytes (crypto.getRandomValues, a seed in tests);
 * 18 bytes give about 107 bits, like Zeek's unique ids.
 */
export function uniqueId(prefix: string, entropy: Uint8Array): string {
  let s = prefix;
  for (let i = 0; i < entropy.length; i++) {
    const c = (<i32>entropy[i]) % 62;
    s += ALPHANUMERICS.charAt(c);
  }
  return s;
}

/** `zeromq_<node>_<host>_<pid>_N<alphanumerics>`; an empty node name gives `zeromq__<host>_...` as upstream. */
export function makeNodeId(node: string, host: string, pid: i32, entropy: Uint8Array): string {
  return "zeromq_" + node + "_" + host + "_" + pid.toString() + "_" + uniqueId("N", entropy);
}
