/*
 * zc-host: the zmq-cluster core in C, with no JavaScript anywhere.
 *
 * build/core.wasm is translated to C by wasm2c (wabt) and linked with this
 * driver, which speaks only the zc_* ABI of docs/wasm-abi.md: it builds the
 * config / input records in linear memory, calls the exports, and decodes
 * the output records. It is the proof that the ABI needs no JS engine, and
 * a replay host for the core vectors.
 *
 * Protocol (docs/wasm-abi.md, "The C host"): one command per line on stdin,
 * fields separated by TAB, every text field percent-encoded (%XX for any
 * byte; adapters/c/vector-lines.ts produces it from JSON vectors with
 * encodeURIComponent). Replies on stdout, same encoding.
 *
 *   create NODE NODE_ID OPTION...          -> ok H | error CODE MESSAGE
 *     options: node NAME TYPE IP PORT | manager_is_logger 0|1 |
 *              hello_expiration_ms N | log_batching SIZE INTERVAL_MS |
 *              topic_prefixes NODE_PREFIX NODEID_PREFIX | onloop_queue_hwm N |
 *              internal_topic_prefix PREFIX
 *   step H NOW INPUT...                    -> output lines, then end
 *     inputs:  subscription TOPIC | unsubscription TOPIC |
 *              event TOPIC NAME ARGC ARG... | timeout | flush |
 *              log_write STREAM FILTER PATH WRITER RECORD
 *     outputs: subscription TOPIC | unsubscription TOPIC |
 *              publish TOPIC EVENT ARGC ARG... | node_up NAME ID |
 *              node_down NAME ID | cluster_log TEXT | warning TEXT |
 *              error TEXT | diagnostic TEXT |
 *              log_batch STREAM FILTER PATH WRITER COUNT RECORD... |
 *              fail CODE MESSAGE   (the ABI refused an input record)
 *   destroy H                              -> ok | error CODE MESSAGE
 *   probe_topic H N                        -> topic TOPIC | error CODE MESSAGE
 *     the ready-to-publish probe topic for counter N (query
 *     READY_PROBE_TOPIC): <internal_topic_prefix><node id>.<N>.
 *   input_at H PTR LEN NOW                 -> ok VALUE | error CODE MESSAGE
 *     feeds whatever bytes lie at PTR (no record is built): for testing
 *     the ABI's error handling and the trap path.
 *   memory                                 -> memory PAGES COLLECTIONS
 *     linear memory's size in 64 KiB pages and the collections the module
 *     ran by itself so far (for testing that memory stays bounded).
 *   abort_test H                           -> (a trap line)
 *     calls peersUp(H), a bindings export outside the ABI that throws for
 *     an unknown handle: the one way to reach env.abort from outside.
 *
 * Log records are opaque to the core (log_batch only says "send the COUNT
 * oldest records of this stream"), so this host keeps one FIFO of record
 * texts per instance and stream key, as a real host keeps encoded records.
 *
 * On start it prints `ready ABI_VERSION`. A trap (a core bug, or a bad
 * pointer) leaves the module instance unusable: it prints
 * `trap REASON ABORT_MESSAGE` and exits with status 3.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "wasm-rt-impl.h"

#define ZC_ABI_VERSION 1

enum { IN_SUBSCRIPTION = 1, IN_UNSUBSCRIPTION = 2, IN_EVENT = 3, IN_TIMEOUT = 4, IN_LOG_WRITE = 5, IN_FLUSH = 6,
       IN_REGISTER_LOG_STREAM = 7 };
enum { OPT_NODE = 1, OPT_MANAGER_IS_LOGGER = 2, OPT_HELLO_EXPIRATION_MS = 3, OPT_LOG_BATCHING = 4,
       OPT_TOPIC_PREFIXES = 5, OPT_ONLOOP_QUEUE_HWM = 6, OPT_INTERNAL_TOPIC_PREFIX = 7 };
enum { Q_READY_PROBE_TOPIC = 10 };
enum { OUT_SUBSCRIPTION = 1, OUT_UNSUBSCRIPTION = 2, OUT_PUBLISH = 3, OUT_NODE_UP = 4, OUT_NODE_DOWN = 5,
       OUT_CLUSTER_LOG = 6, OUT_WARNING = 7, OUT_ERROR = 8, OUT_LOG_BATCH = 9, OUT_DIAGNOSTIC = 10 };

static const char *const OUT_NAMES[] = {"?", "subscription", "unsubscription", "publish", "node_up", "node_down",
                                        "cluster_log", "warning", "error", "log_batch", "diagnostic"};

/* ---- small helpers ---- */

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("zc-host: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

/* A growable byte buffer (records we build, lines we read). */
typedef struct {
  uint8_t *p;
  size_t len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t n) {
  if (b->len + n <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 256;
  while (cap < b->len + n) cap *= 2;
  b->p = xrealloc(b->p, cap);
  b->cap = cap;
}

static void put_u32(buf_t *b, uint32_t v) {
  buf_reserve(b, 4);
  b->p[b->len++] = v & 0xff;
  b->p[b->len++] = (v >> 8) & 0xff;
  b->p[b->len++] = (v >> 16) & 0xff;
  b->p[b->len++] = v >> 24;
}

/* A decoded text field: bytes + length (may contain NULs in principle). */
typedef struct {
  char *p;
  size_t len;
} str_t;

static void put_str(buf_t *b, str_t s) {
  put_u32(b, (uint32_t)s.len);
  buf_reserve(b, s.len);
  memcpy(b->p + b->len, s.p, s.len);
  b->len += s.len;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decode in place; returns the decoded length or -1. */
static long pct_decode(char *s) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (*r == '%') {
      int hi = hexval((unsigned char)r[1]), lo = hi < 0 ? -1 : hexval((unsigned char)r[2]);
      if (hi < 0 || lo < 0) return -1;
      *w++ = (char)(hi * 16 + lo);
      r += 2;
    } else {
      *w++ = *r;
    }
  }
  *w = 0;
  return (long)(w - s);
}

/* Write bytes percent-encoded like encodeURIComponent (unreserved bytes stay). */
static void put_pct(FILE *f, const uint8_t *p, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    uint8_t c = p[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.!~*'()", c) != NULL) {
      if (c) fputc(c, f);
      else fputs("%00", f);
    } else {
      fputc('%', f);
      fputc(hex[c >> 4], f);
      fputc(hex[c & 15], f);
    }
  }
}

/* ---- the module ---- */

struct Z_env_instance_t {
  Z_zc_instance_t *zc; /* to read abort's strings */
  char abort_text[512];
};

static Z_zc_instance_t zc;
static struct Z_env_instance_t env;
static uint32_t scratch, scratch_size; /* a zc_alloc block reused for every record */

static uint8_t *mem(void) {
  /* Re-read after every call: memory.grow may move it. */
  return Z_zcZ_memory(&zc)->data;
}

static uint32_t mem_size(void) {
  return Z_zcZ_memory(&zc)->size;
}

/* An AssemblyScript string (UTF-16LE, byte length in the u32 before it) as UTF-8. */
static void as_string(uint32_t ptr, char *out, size_t cap) {
  size_t o = 0;
  if (ptr < 4 || ptr > mem_size()) {
    snprintf(out, cap, "(null)");
    return;
  }
  const uint8_t *m = mem();
  uint32_t len;
  memcpy(&len, m + ptr - 4, 4);
  if ((uint64_t)ptr + len > mem_size()) len = 0;
  for (uint32_t i = 0; i + 1 < len && o + 5 < cap; i += 2) {
    uint32_t c = m[ptr + i] | (uint32_t)m[ptr + i + 1] << 8;
    if (c >= 0xd800 && c < 0xdc00 && i + 3 < len) {
      uint32_t c2 = m[ptr + i + 2] | (uint32_t)m[ptr + i + 3] << 8;
      if (c2 >= 0xdc00 && c2 < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
        i += 2;
      }
    }
    if (c < 0x80) {
      out[o++] = (char)c;
    } else if (c < 0x800) {
      out[o++] = (char)(0xc0 | c >> 6);
      out[o++] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out[o++] = (char)(0xe0 | c >> 12);
      out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
      out[o++] = (char)(0x80 | (c & 0x3f));
    } else {
      out[o++] = (char)(0xf0 | c >> 18);
      out[o++] = (char)(0x80 | (c >> 12 & 0x3f));
      out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
      out[o++] = (char)(0x80 | (c & 0x3f));
    }
  }
  out[o] = 0;
}

/* The module's one import. AssemblyScript calls it right before it traps. */
void Z_envZ_abort(struct Z_env_instance_t *e, u32 msg, u32 file, u32 line, u32 col) {
  char m[256], f[200];
  as_string(msg, m, sizeof m);
  as_string(file, f, sizeof f);
  snprintf(e->abort_text, sizeof e->abort_text, "%s in %s:%u:%u", m, f, line, col);
}

static void trapped(wasm_rt_trap_t t) {
  fputs("trap\t", stdout);
  const char *why = wasm_rt_strerror(t);
  put_pct(stdout, (const uint8_t *)why, strlen(why));
  fputc('\t', stdout);
  put_pct(stdout, (const uint8_t *)env.abort_text, strlen(env.abort_text));
  fputc('\n', stdout);
  fflush(stdout);
  exit(3);
}

/* Every export call goes through here: setjmp must live in an active frame. */
#define GUARDED(call)                                                  \
  do {                                                                 \
    wasm_rt_trap_t trap_ = (wasm_rt_trap_t)wasm_rt_impl_try();         \
    if (trap_ != WASM_RT_TRAP_NONE) trapped(trap_);                    \
    call;                                                              \
  } while (0)

/* Copy a record into module memory (the scratch block); returns its address. */
static uint32_t place(const buf_t *rec) {
  if (rec->len > scratch_size) {
    uint32_t size = rec->len * 2 > 256 ? (uint32_t)rec->len * 2 : 256, p;
    if (scratch) GUARDED(Z_zcZ_zc_free(&zc, scratch));
    GUARDED(p = Z_zcZ_zc_alloc(&zc, size));
    if (!p) die("zc_alloc(%u) failed", size);
    scratch = p;
    scratch_size = size;
  }
  memcpy(mem() + scratch, rec->p, rec->len);
  return scratch;
}

/* The current result buffer (a reply or an error message). */
static const uint8_t *result(uint32_t *len) {
  uint32_t p, n;
  GUARDED(p = Z_zcZ_zc_result_ptr(&zc));
  GUARDED(n = Z_zcZ_zc_result_len(&zc));
  if ((uint64_t)p + n > mem_size()) die("result buffer outside memory");
  *len = n;
  return mem() + p;
}

static void print_error(const char *word, int32_t code) {
  uint32_t n;
  const uint8_t *msg = result(&n);
  printf("%s\t%d\t", word, code);
  put_pct(stdout, msg, n);
  fputc('\n', stdout);
}

/* ---- per-instance host state: record FIFOs per log stream key ---- */

typedef struct {
  char **items;
  size_t head, len, cap;
} fifo_t;

typedef struct {
  int live;
  fifo_t *streams; /* by key */
  size_t nstreams;
} session_t;

static session_t *sessions;
static size_t nsessions;

static session_t *session(int32_t h) {
  if (h < 0) return NULL;
  if ((size_t)h >= nsessions) {
    sessions = xrealloc(sessions, (h + 1) * sizeof *sessions);
    memset(sessions + nsessions, 0, (h + 1 - nsessions) * sizeof *sessions);
    nsessions = h + 1;
  }
  return &sessions[h];
}

static void session_clear(session_t *s) {
  for (size_t k = 0; k < s->nstreams; k++) {
    fifo_t *q = &s->streams[k];
    for (size_t i = q->head; i < q->len; i++) free(q->items[i]);
    free(q->items);
  }
  free(s->streams);
  memset(s, 0, sizeof *s);
}

static fifo_t *stream_fifo(session_t *s, uint32_t key) {
  if (key >= s->nstreams) {
    s->streams = xrealloc(s->streams, (key + 1) * sizeof *s->streams);
    memset(s->streams + s->nstreams, 0, (key + 1 - s->nstreams) * sizeof *s->streams);
    s->nstreams = key + 1;
  }
  return &s->streams[key];
}

static void fifo_push(fifo_t *q, const char *text) {
  if (q->len == q->cap) {
    q->cap = q->cap ? q->cap * 2 : 16;
    q->items = xrealloc(q->items, q->cap * sizeof *q->items);
  }
  q->items[q->len++] = strdup(text);
}

/* ---- reading output records ---- */

typedef struct {
  const uint8_t *p, *end;
} rd_t;

static uint32_t rd_u32(rd_t *r) {
  if (r->end - r->p < 4) die("output record truncated");
  uint32_t v = r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

static void rd_str_out(rd_t *r) {
  uint32_t n = rd_u32(r);
  if ((size_t)(r->end - r->p) < n) die("output string truncated");
  fputc('\t', stdout);
  put_pct(stdout, r->p, n);
  r->p += n;
}

/* zc_poll and print every output; log batches take records from the FIFOs. */
static void drain(int32_t h, session_t *s) {
  int32_t rc;
  GUARDED(rc = (int32_t)Z_zcZ_zc_poll(&zc, (u32)h));
  if (rc < 0) {
    print_error("fail", rc);
    return;
  }
  uint32_t len;
  const uint8_t *res = result(&len);
  /* Copy: printing is plain C, but keep the habit of never holding memory across calls. */
  uint8_t *copy = xrealloc(NULL, len);
  memcpy(copy, res, len);
  rd_t r = {copy, copy + len};
  uint32_t count = rd_u32(&r);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t kind = rd_u32(&r), blen = rd_u32(&r);
    if ((size_t)(r.end - r.p) < blen) die("output body truncated");
    rd_t b = {r.p, r.p + blen};
    r.p += blen;
    if (kind == 0 || kind > OUT_DIAGNOSTIC) continue; /* a newer kind: the length lets us skip it */
    fputs(OUT_NAMES[kind], stdout);
    switch (kind) {
      case OUT_SUBSCRIPTION:
      case OUT_UNSUBSCRIPTION:
        rd_str_out(&b);
        break;
      case OUT_PUBLISH: {
        rd_str_out(&b);
        rd_str_out(&b);
        uint32_t argc = rd_u32(&b);
        printf("\t%u", argc);
        for (uint32_t a = 0; a < argc; a++) rd_str_out(&b);
        break;
      }
      case OUT_NODE_UP:
      case OUT_NODE_DOWN:
        rd_str_out(&b);
        rd_str_out(&b);
        break;
      case OUT_LOG_BATCH: {
        uint32_t key = rd_u32(&b), n = rd_u32(&b);
        for (int f = 0; f < 4; f++) rd_str_out(&b);
        fifo_t *q = stream_fifo(s, key);
        if (q->len - q->head < n) die("log_batch of %u records, only %zu pending", n, q->len - q->head);
        printf("\t%u", n);
        for (uint32_t k = 0; k < n; k++) {
          char *rec = q->items[q->head++];
          fputc('\t', stdout);
          put_pct(stdout, (const uint8_t *)rec, strlen(rec));
          free(rec);
        }
        break;
      }
      default:
        rd_str_out(&b); /* the text kinds */
    }
    fputc('\n', stdout);
    if (b.p != b.end) die("output %u (kind %u): %zu bytes left in its body", i, kind, (size_t)(b.end - b.p));
  }
  if (r.p != r.end) die("bytes left over after the outputs");
  free(copy);
}

/* ---- commands ---- */

#define MAX_FIELDS 4096

static str_t field(char **f, int n, int i) {
  if (i >= n) die("line has %d fields, wanted at least %d", n, i + 1);
  long len = pct_decode(f[i]);
  if (len < 0) die("bad percent-encoding in field %d", i);
  str_t s = {f[i], (size_t)len};
  return s;
}

static uint32_t num(char **f, int n, int i) {
  str_t s = field(f, n, i);
  char *end;
  errno = 0;
  unsigned long v = strtoul(s.p, &end, 10);
  if (errno || *end || end == s.p || v > 0xffffffffUL) die("field %d: not a u32: %s", i, s.p);
  return (uint32_t)v;
}

static void cmd_create(char **f, int n) {
  buf_t rec = {0};
  put_str(&rec, field(f, n, 1));
  put_str(&rec, field(f, n, 2));
  size_t count_at = rec.len;
  put_u32(&rec, 0);
  uint32_t count = 0;
  for (int i = 3; i < n; count++) {
    str_t tag = field(f, n, i++);
    if (!strcmp(tag.p, "node")) {
      put_u32(&rec, OPT_NODE);
      put_str(&rec, field(f, n, i));
      put_u32(&rec, num(f, n, i + 1));
      put_str(&rec, field(f, n, i + 2));
      put_u32(&rec, num(f, n, i + 3));
      i += 4;
    } else if (!strcmp(tag.p, "manager_is_logger")) {
      put_u32(&rec, OPT_MANAGER_IS_LOGGER);
      put_u32(&rec, num(f, n, i++));
    } else if (!strcmp(tag.p, "hello_expiration_ms")) {
      put_u32(&rec, OPT_HELLO_EXPIRATION_MS);
      put_u32(&rec, num(f, n, i++));
    } else if (!strcmp(tag.p, "log_batching")) {
      put_u32(&rec, OPT_LOG_BATCHING);
      put_u32(&rec, num(f, n, i));
      put_u32(&rec, num(f, n, i + 1));
      i += 2;
    } else if (!strcmp(tag.p, "topic_prefixes")) {
      put_u32(&rec, OPT_TOPIC_PREFIXES);
      put_str(&rec, field(f, n, i));
      put_str(&rec, field(f, n, i + 1));
      i += 2;
    } else if (!strcmp(tag.p, "onloop_queue_hwm")) {
      put_u32(&rec, OPT_ONLOOP_QUEUE_HWM);
      put_u32(&rec, num(f, n, i++));
    } else if (!strcmp(tag.p, "internal_topic_prefix")) {
      put_u32(&rec, OPT_INTERNAL_TOPIC_PREFIX);
      put_str(&rec, field(f, n, i++));
    } else {
      die("create: unknown option '%s'", tag.p);
    }
  }
  /* Patch the option count now that we know it. */
  rec.p[count_at] = count & 0xff;
  rec.p[count_at + 1] = (count >> 8) & 0xff;
  rec.p[count_at + 2] = (count >> 16) & 0xff;
  rec.p[count_at + 3] = count >> 24;
  uint32_t p = place(&rec);
  int32_t h;
  GUARDED(h = (int32_t)Z_zcZ_zc_create(&zc, p, (u32)rec.len));
  free(rec.p);
  if (h < 0) {
    print_error("error", h);
    return;
  }
  session_t *s = session(h);
  session_clear(s);
  s->live = 1;
  printf("ok\t%d\n", h);
}

/* Feed one input record; prints `fail` and returns -1 on an ABI error. */
static int32_t input(int32_t h, const buf_t *rec, double now) {
  uint32_t p = place(rec);
  int32_t rc;
  GUARDED(rc = (int32_t)Z_zcZ_zc_input(&zc, (u32)h, p, (u32)rec->len, now));
  if (rc < 0) print_error("fail", rc);
  return rc;
}

static void cmd_step(char **f, int n) {
  int32_t h = (int32_t)num(f, n, 1);
  str_t nows = field(f, n, 2);
  char *end;
  double now = strtod(nows.p, &end);
  if (*end || end == nows.p || !isfinite(now)) die("step: bad now '%s'", nows.p);
  str_t kind = field(f, n, 3);
  session_t *s = session(h);
  buf_t rec = {0};
  if (!strcmp(kind.p, "subscription") || !strcmp(kind.p, "unsubscription")) {
    put_u32(&rec, kind.p[0] == 's' ? IN_SUBSCRIPTION : IN_UNSUBSCRIPTION);
    put_str(&rec, field(f, n, 4));
    input(h, &rec, now);
  } else if (!strcmp(kind.p, "event")) {
    put_u32(&rec, IN_EVENT);
    put_str(&rec, field(f, n, 4));
    put_str(&rec, field(f, n, 5));
    uint32_t argc = num(f, n, 6);
    put_u32(&rec, argc);
    for (uint32_t a = 0; a < argc; a++) put_str(&rec, field(f, n, 7 + (int)a));
    input(h, &rec, now);
  } else if (!strcmp(kind.p, "timeout")) {
    put_u32(&rec, IN_TIMEOUT);
    input(h, &rec, now);
  } else if (!strcmp(kind.p, "flush")) {
    put_u32(&rec, IN_FLUSH);
    input(h, &rec, now);
  } else if (!strcmp(kind.p, "log_write")) {
    /* Register (idempotent: the same 4 strings give the same key), queue, write. */
    put_u32(&rec, IN_REGISTER_LOG_STREAM);
    for (int i = 4; i < 8; i++) put_str(&rec, field(f, n, i));
    int32_t key = input(h, &rec, now);
    if (key >= 0) {
      fifo_push(stream_fifo(s, (uint32_t)key), field(f, n, 8).p);
      rec.len = 0;
      put_u32(&rec, IN_LOG_WRITE);
      put_u32(&rec, (uint32_t)key);
      input(h, &rec, now);
    }
  } else {
    die("step: unknown input kind '%s'", kind.p);
  }
  free(rec.p);
  drain(h, s);
  puts("end");
}

static void cmd_destroy(char **f, int n) {
  int32_t h = (int32_t)num(f, n, 1), rc;
  GUARDED(rc = (int32_t)Z_zcZ_zc_destroy(&zc, (u32)h));
  if (rc < 0) {
    print_error("error", rc);
    return;
  }
  session_clear(session(h));
  puts("ok");
}

/* A host needs the probe topic to subscribe to it (ZeroMQ.cc's ready
 * probe); it depends on internal_topic_prefix, so this also shows that
 * option reached the core. */
static void cmd_probe_topic(char **f, int n) {
  int32_t h = (int32_t)num(f, n, 1), rc;
  buf_t rec = {0};
  put_u32(&rec, Q_READY_PROBE_TOPIC);
  put_u32(&rec, num(f, n, 2));
  uint32_t p = place(&rec);
  GUARDED(rc = (int32_t)Z_zcZ_zc_query(&zc, (u32)h, p, (u32)rec.len));
  free(rec.p);
  if (rc < 0) {
    print_error("error", rc);
    return;
  }
  uint32_t len;
  const uint8_t *res = result(&len);
  rd_t r = {res, res + len};
  uint32_t slen = rd_u32(&r);
  if ((size_t)(r.end - r.p) != slen) die("probe_topic: reply is not one str");
  fputs("topic\t", stdout);
  put_pct(stdout, r.p, slen);
  fputc('\n', stdout);
}

static void cmd_input_at(char **f, int n) {
  int32_t h = (int32_t)num(f, n, 1), rc;
  uint32_t p = num(f, n, 2), len = num(f, n, 3);
  double now = strtod(field(f, n, 4).p, NULL);
  GUARDED(rc = (int32_t)Z_zcZ_zc_input(&zc, (u32)h, p, len, now));
  if (rc < 0) print_error("error", rc);
  else printf("ok\t%d\n", rc);
}

/* Linear memory in 64 KiB pages, and the collections build/core.wasm's own
 * policy ran (gcCollections, an export outside the ABI): lets a test check
 * that memory stays bounded over a long run with no help from this host. */
static void cmd_memory(char **f, int n) {
  (void)f;
  (void)n;
  uint32_t collections;
  GUARDED(collections = Z_zcZ_gcCollections(&zc));
  printf("memory\t%u\t%u\n", mem_size() / 65536u, collections);
}

static void cmd_abort_test(char **f, int n) {
  uint32_t h = num(f, n, 1), up;
  GUARDED(up = Z_zcZ_peersUp(&zc, h));
  printf("ok\t%u\n", up);
}

int main(void) {
  wasm_rt_init();
  Z_zc_init_module();
  env.zc = &zc;
  {
    wasm_rt_trap_t t = (wasm_rt_trap_t)wasm_rt_impl_try();
    if (t != WASM_RT_TRAP_NONE) trapped(t);
    Z_zc_instantiate(&zc, &env);
  }
  uint32_t v;
  GUARDED(v = Z_zcZ_zc_abi_version(&zc));
  if (v != ZC_ABI_VERSION) die("module speaks ABI version %u, this host %u", v, ZC_ABI_VERSION);
  printf("ready\t%u\n", v);
  fflush(stdout);

  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  static char *f[MAX_FIELDS];
  while ((got = getline(&line, &cap, stdin)) >= 0) {
    if (got > 0 && line[got - 1] == '\n') line[--got] = 0;
    if (got == 0) continue;
    int n = 0;
    for (char *p = line;; p++) {
      if (n == MAX_FIELDS) die("too many fields");
      f[n++] = p;
      p = strchr(p, '\t');
      if (!p) break;
      *p = 0;
    }
    if (!strcmp(f[0], "create")) cmd_create(f, n);
    else if (!strcmp(f[0], "step")) cmd_step(f, n);
    else if (!strcmp(f[0], "destroy")) cmd_destroy(f, n);
    else if (!strcmp(f[0], "probe_topic")) cmd_probe_topic(f, n);
    else if (!strcmp(f[0], "input_at")) cmd_input_at(f, n);
    else if (!strcmp(f[0], "abort_test")) cmd_abort_test(f, n);
    else if (!strcmp(f[0], "memory")) cmd_memory(f, n);
    else die("unknown command '%s'", f[0]);
    fflush(stdout);
  }
  free(line);
  Z_zc_free(&zc);
  wasm_rt_free();
  return 0;
}
