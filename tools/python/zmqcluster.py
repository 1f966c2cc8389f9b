"""The zmq-cluster wire format (docs/wire-format.md), for Python.

Written from docs/wire-format.md alone, using only the msgpack module
(Debian: python3-msgpack). logger.py and publisher.py use it.

Decoded values, by Zeek type:
  unset -> None         bool -> bool          double -> float
  string -> str (text) or bytes (not UTF-8)   vector -> list
  record -> dict        count -> Count(int)   int -> Int(int)
  time -> Time(float)   interval -> Interval(float)
  addr -> Addr(str)     subnet -> Subnet(str) port -> Port(number, proto)
  enum -> Enum(str)     set -> ZSet(list)     table -> ZTable(list of (k, v))
"""

import math
import socket
import struct

import msgpack

# Ext type codes (§3).
EXT_COUNT, EXT_INT, EXT_TIME, EXT_INTERVAL, EXT_ADDR, EXT_SUBNET, EXT_PORT, EXT_ENUM, EXT_SET, EXT_TABLE = range(1, 11)
PROTOS = ("unknown", "tcp", "udp", "icmp")
MAX_NESTING = 32  # §7
EVENT_FORMAT = "zmq-cluster-msgpack-v1"
LOG_FORMAT = "zmq-cluster-log-msgpack-v1"
SCALAR_TYPES = ("bool", "int", "count", "double", "time", "interval", "string", "enum", "port", "addr", "subnet")


class WireError(Exception):
    """A payload that breaks the format (the receiver drops the message)."""


class Count(int):
    pass


class Int(int):
    pass


class Time(float):
    pass


class Interval(float):
    pass


class Addr(str):
    pass


class Subnet(str):
    pass


class Enum(str):
    pass


class Port:
    def __init__(self, number, proto):
        self.number, self.proto = number, proto

    def __str__(self):
        return "%d/%s" % (self.number, self.proto)


class ZSet(list):
    pass


class ZTable(list):
    pass


# ---------------------------------------------------------------------------
# Addresses (§3: 4 or 16 bytes; v4-mapped IPv6 is IPv4; printed as inet_ntop does)


def _v4_mapped(b):
    return len(b) == 16 and b[:10] == b"\0" * 10 and b[10:12] == b"\xff\xff"


def addr_text(b):
    if _v4_mapped(b):
        b = b[12:]
    if len(b) == 4:
        return socket.inet_ntop(socket.AF_INET, b)
    if len(b) == 16:
        return socket.inet_ntop(socket.AF_INET6, b)
    raise WireError("an addr has 4 or 16 bytes, got %d" % len(b))


def addr_bytes(text):
    try:
        b = socket.inet_pton(socket.AF_INET, text)
    except OSError:
        b = socket.inet_pton(socket.AF_INET6, text)
    return b[12:] if _v4_mapped(b) else b


def _mask(b, width):
    out = bytearray(b)
    for i in range(len(out)):
        keep = max(0, min(8, width - 8 * i))
        out[i] &= (0xFF << (8 - keep)) & 0xFF
    return bytes(out)


def subnet_text(b, width):
    if width > len(b) * 8:
        raise WireError("subnet width %d is outside 0..%d" % (width, len(b) * 8))
    b = _mask(b, width)
    if _v4_mapped(b):
        b, width = b[12:], width - 96
    return "%s/%d" % (addr_text(b), width)


# ---------------------------------------------------------------------------
# Decoding (§3)


def _need(code, data, lengths):
    if len(data) not in lengths:
        raise WireError("ext type %d needs %s bytes, got %d" % (code, " or ".join(map(str, lengths)), len(data)))


def _ext_hook(code, data):
    if code == EXT_COUNT:
        _need(code, data, (1, 2, 4, 8))
        return Count(int.from_bytes(data, "big"))
    if code == EXT_INT:
        _need(code, data, (1, 2, 4, 8))
        return Int(int.from_bytes(data, "big", signed=True))
    if code in (EXT_TIME, EXT_INTERVAL):
        _need(code, data, (8,))
        seconds = struct.unpack(">d", data)[0]
        return Time(seconds) if code == EXT_TIME else Interval(seconds)
    if code == EXT_ADDR:
        _need(code, data, (4, 16))
        return Addr(addr_text(data))
    if code == EXT_SUBNET:
        _need(code, data, (5, 17))
        return Subnet(subnet_text(data[:-1], data[-1]))
    if code == EXT_PORT:
        _need(code, data, (3,))
        if data[2] >= len(PROTOS):
            raise WireError("port protocol code %d" % data[2])
        return Port(int.from_bytes(data[:2], "big"), PROTOS[data[2]])
    if code == EXT_ENUM:
        name = data.decode("utf-8")
        if not name:
            raise WireError("empty enum name")
        return Enum(name)
    if code == EXT_SET:
        items = unpack(data)
        if not isinstance(items, list):
            raise WireError("a set's payload must be an array")
        return ZSet(items)
    if code == EXT_TABLE:
        pairs = unpack(data)
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise WireError("a table's payload must be an array of [key, value] arrays")
        return ZTable((k, v) for k, v in pairs)
    raise WireError("unknown ext type %d" % code)


def unpack(data):
    """One complete MessagePack value with our ext types; WireError on anything wrong."""
    try:
        return msgpack.unpackb(data, ext_hook=_ext_hook, raw=False)
    except WireError:
        raise
    except RecursionError:
        raise WireError("nested too deep")
    except Exception as err:  # msgpack's own errors: truncated, extra data, bad UTF-8 ...
        raise WireError("not valid MessagePack: %s" % err)


def check_value(v, depth=0):
    """Plain numbers are doubles (§3); check the nesting limit (§7). Returns the value."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (Count, Int)):
        if isinstance(v, Count) and not 0 <= v < 2**64:
            raise WireError("count out of range")
        return v
    if isinstance(v, int):
        f = float(v)
        if int(f) != v:
            raise WireError("plain integer %d is not exactly a double" % v)
        return f
    if isinstance(v, (float, str, bytes, Port)):
        return v
    if depth >= MAX_NESTING:
        raise WireError("containers nested deeper than %d levels" % MAX_NESTING)
    if isinstance(v, ZSet):
        return ZSet(check_value(x, depth + 1) for x in v)
    if isinstance(v, ZTable):
        return ZTable((check_value(k, depth + 1), check_value(x, depth + 1)) for k, x in v)
    if isinstance(v, list):
        return [check_value(x, depth + 1) for x in v]
    if isinstance(v, dict):
        return {k: check_value(x, depth + 1) for k, x in v.items()}
    raise WireError("unsupported value %r" % (v,))


# ---------------------------------------------------------------------------
# Log batches (§5)


def parse_type(text):
    if text in SCALAR_TYPES:
        return (text, None)
    for kind in ("set", "vector"):
        if text.startswith(kind + "[") and text.endswith("]"):
            return (kind, parse_type(text[len(kind) + 1 : -1]))
    raise WireError("not a log field type: %r" % text)


_TYPE_CHECKS = {
    "bool": lambda v: isinstance(v, bool),
    "count": lambda v: isinstance(v, Count),
    "int": lambda v: isinstance(v, Int),
    "double": lambda v: isinstance(v, float) and not isinstance(v, (Time, Interval)),
    "time": lambda v: isinstance(v, Time),
    "interval": lambda v: isinstance(v, Interval),
    "string": lambda v: isinstance(v, (str, bytes)) and not isinstance(v, (Addr, Subnet, Enum)),
    "enum": lambda v: isinstance(v, Enum),
    "port": lambda v: isinstance(v, Port),
    "addr": lambda v: isinstance(v, Addr),
    "subnet": lambda v: isinstance(v, Subnet),
}


def check_type(v, t, where):
    kind, elem = t
    if kind == "set" or kind == "vector":
        ok = isinstance(v, ZSet) if kind == "set" else (isinstance(v, list) and not isinstance(v, (ZSet, ZTable)))
        if not ok:
            raise WireError("%s: expected %s" % (where, kind))
        for x in v:
            if x is None:
                raise WireError("%s: a %s element cannot be unset" % (where, kind))
            check_type(x, elem, where)
    elif not _TYPE_CHECKS[kind](v):
        raise WireError("%s: expected %s, got %r" % (where, kind, v))


def decode_log_batch(data):
    """-> (header dict, list of records, each a list of values in field order)."""
    top = unpack(data)
    if not isinstance(top, list) or len(top) != 2:
        raise WireError("a log batch is [header, records]")
    header, records = top
    if not isinstance(header, dict):
        raise WireError("the header must be a map")
    for key in ("stream", "writer", "filter", "path"):
        if not isinstance(header.get(key), str) or not header[key]:
            raise WireError("header %s must be a non-empty string" % key)
    fields = header.get("fields")
    if not isinstance(fields, list) or not fields:
        raise WireError("header fields must be a non-empty array")
    names, types, optional = [], [], []
    for f in fields:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not isinstance(f.get("type"), str):
            raise WireError("a field needs name and type")
        if f["name"] in names or not f["name"]:
            raise WireError("bad or duplicate field name %r" % f["name"])
        opt = f.get("optional", False)
        if not isinstance(opt, bool):
            raise WireError("optional must be a bool")
        names.append(f["name"])
        types.append(parse_type(f["type"]))
        optional.append(opt)
    if not isinstance(records, list):
        raise WireError("records must be an array")
    out = []
    for r, rec in enumerate(records):
        if not isinstance(rec, list) or len(rec) != len(names):
            raise WireError("record %d must have %d values" % (r, len(names)))
        values = []
        for i, v in enumerate(rec):
            where = "record %d field %s" % (r, names[i])
            v = check_value(v)
            if v is None:
                if not optional[i]:
                    raise WireError("%s: not optional but unset" % where)
            else:
                check_type(v, types[i], where)
            values.append(v)
        out.append(values)
    clean = {k: header[k] for k in ("stream", "writer", "filter", "path")}
    clean["fields"] = [{"name": n, "type": f["type"], "optional": o} for n, f, o in zip(names, fields, optional)]
    return clean, out


# ---------------------------------------------------------------------------
# Rendering as JSON


def _num(x):
    """Numbers JSON can carry as numbers; "NaN", "Infinity", "-Infinity" and "-0" as strings."""
    if x == 0 and math.copysign(1.0, x) < 0:
        return "-0"
    return x if math.isfinite(x) else str(x).replace("inf", "Infinity").replace("nan", "NaN")


def typed_json(v):
    """The lossless [type, value] rendering (the same as toTypedJson in the JS codec)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, Count):
        return ["count", str(int(v))]
    if isinstance(v, Int):
        return ["int", str(int(v))]
    if isinstance(v, Time):
        return ["time", _num(float(v))]
    if isinstance(v, Interval):
        return ["interval", _num(float(v))]
    if isinstance(v, float):
        return ["double", _num(v)]
    if isinstance(v, Addr):
        return ["addr", str(v)]
    if isinstance(v, Subnet):
        return ["subnet", str(v)]
    if isinstance(v, Enum):
        return ["enum", str(v)]
    if isinstance(v, str):
        return ["string", v]
    if isinstance(v, bytes):
        return ["bytes", v.hex()]
    if isinstance(v, Port):
        return ["port", str(v)]
    if isinstance(v, ZSet):
        return ["set", [typed_json(x) for x in v]]
    if isinstance(v, ZTable):
        return ["table", [[typed_json(k), typed_json(x)] for k, x in v]]
    if isinstance(v, list):
        return ["vector", [typed_json(x) for x in v]]
    if isinstance(v, dict):
        return ["record", {k: typed_json(x) for k, x in v.items()}]
    raise WireError("cannot render %r" % (v,))


def zeek_json(v):
    """Zeek's JSON writer style: times and intervals as seconds, ports as numbers, bytes escaped."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (Count, Int)):
        return int(v)
    if isinstance(v, float):
        return float(v) if math.isfinite(v) else _num(float(v))
    if isinstance(v, bytes):
        return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else "\\x%02x" % b for b in v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, Port):
        return v.number
    if isinstance(v, ZTable):
        return [[zeek_json(k), zeek_json(x)] for k, x in v]
    if isinstance(v, list):
        return [zeek_json(x) for x in v]
    if isinstance(v, dict):
        return {k: zeek_json(x) for k, x in v.items() if x is not None}
    raise WireError("cannot render %r" % (v,))


# ---------------------------------------------------------------------------
# Encoding (§3, §4), from the typed JSON rendering


def _unsigned(n):
    for size in (1, 2, 4, 8):
        if n < 1 << (8 * size):
            return n.to_bytes(size, "big")
    raise WireError("count %d is out of range" % n)


def _signed(n):
    for size in (1, 2, 4, 8):
        if -(1 << (8 * size - 1)) <= n < 1 << (8 * size - 1):
            return n.to_bytes(size, "big", signed=True)
    raise WireError("int %d is out of range" % n)


def _float(x):
    return float(x)  # "NaN", "Infinity", "-Infinity" and numbers alike


def to_wire(t):
    """A typed JSON value ([type, value] or None) -> what msgpack.packb writes."""
    if t is None:
        return None
    kind, v = t
    if kind == "bool":
        return bool(v)
    if kind == "double":
        return _float(v)
    if kind == "string":
        return v
    if kind == "bytes":
        return bytes.fromhex(v)
    if kind == "count":
        return msgpack.ExtType(EXT_COUNT, _unsigned(int(v)))
    if kind == "int":
        return msgpack.ExtType(EXT_INT, _signed(int(v)))
    if kind == "time":
        return msgpack.ExtType(EXT_TIME, struct.pack(">d", _float(v)))
    if kind == "interval":
        return msgpack.ExtType(EXT_INTERVAL, struct.pack(">d", _float(v)))
    if kind == "addr":
        return msgpack.ExtType(EXT_ADDR, addr_bytes(v))
    if kind == "subnet":
        text, width = v.rsplit("/", 1)
        b = addr_bytes(text)
        return msgpack.ExtType(EXT_SUBNET, _mask(b, int(width)) + bytes([int(width)]))
    if kind == "port":
        number, proto = v.split("/")
        return msgpack.ExtType(EXT_PORT, int(number).to_bytes(2, "big") + bytes([PROTOS.index(proto)]))
    if kind == "enum":
        return msgpack.ExtType(EXT_ENUM, v.encode("utf-8"))
    if kind == "set":
        return msgpack.ExtType(EXT_SET, msgpack.packb([to_wire(x) for x in v]))
    if kind == "table":
        return msgpack.ExtType(EXT_TABLE, msgpack.packb([[to_wire(k), to_wire(x)] for k, x in v]))
    if kind == "vector":
        return [to_wire(x) for x in v]
    if kind == "record":
        return {k: to_wire(x) for k, x in v.items()}
    raise WireError("unknown type %r" % kind)


def encode_event(name, typed_args, network_timestamp=None):
    """An event payload (§4): [name, args] or [name, args, [[1, time]]]."""
    payload = [name, [to_wire(a) for a in typed_args]]
    if network_timestamp is not None:
        payload.append([[1, to_wire(["time", network_timestamp])]])
    return msgpack.packb(payload)
