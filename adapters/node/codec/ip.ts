// IPv4/IPv6 text <-> bytes, the way Zeek reads and prints addresses.
//
// Hand-written on purpose: Node offers validation (net.isIP) but no
// text -> bytes parser, and the printed form must be byte-for-byte what Zeek
// prints (it uses inet_ntop, so glibc's rules: RFC 5952 zero compression plus
// the embedded-IPv4 form for ::a.b.c.d). Python's socket.inet_ntop, which the
// interop logger uses, calls the same libc function. Pulling in a package for
// ~100 lines would also mean a new runtime dependency for every user.
//
// Zeek treats an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as that IPv4
// address (IPAddr stores IPv4 that way). We do the same: parsing either form
// yields the 4-byte address.

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEXGROUP = /^[0-9a-fA-F]{1,4}$/;

function parseV4(text: string): Uint8Array | undefined {
  const m = V4.exec(text);
  if (!m) return undefined;
  return Uint8Array.of(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
}

/** Parse groups on one side of "::" into 16-bit words; undefined on error. */
function parseGroups(part: string, allowV4Tail: boolean): number[] | undefined {
  if (part === "") return [];
  const groups = part.split(":");
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (allowV4Tail && i === groups.length - 1 && g.includes(".")) {
      const v4 = parseV4(g);
      if (!v4) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (HEXGROUP.test(g)) {
      words.push(parseInt(g, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

function parseV6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  let words: number[];
  if (halves.length === 1) {
    const w = parseGroups(text, true);
    if (!w || w.length !== 8) return undefined;
    words = w;
  } else if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    return undefined;
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i]! >> 8;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return bytes;
}

/** True for the 16 bytes of ::ffff:a.b.c.d. */
export function isV4Mapped(bytes: Uint8Array): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * 4 bytes for IPv4, 16 for IPv6; undefined if not an address. v4-mapped
 * IPv6 input gives 4 bytes unless `keepMapped` (subnets need the 16 bytes
 * to read the width in IPv6 terms).
 */
export function parseIp(text: string, keepMapped = false): Uint8Array | undefined {
  const v4 = parseV4(text);
  if (v4) return v4;
  if (!text.includes(":")) return undefined;
  const v6 = parseV6(text);
  if (!v6) return undefined;
  return isV4Mapped(v6) && !keepMapped ? v6.slice(12) : v6;
}

function formatV4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** Print 4 or 16 bytes as Zeek (inet_ntop) does. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return formatV4(bytes, 0);
  if (bytes.length !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  // The longest run of zero words (the first one on a tie), if at least 2 long.
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    // glibc prints ::a.b.c.d and ::ffff:a.b.c.d with a dotted tail.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return out + formatV4(bytes, 12);
    }
    out += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ":";
  return out;
}
