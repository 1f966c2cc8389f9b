/*
 * The counting broker at native speed: an XSUB <-> XPUB forwarding loop in C
 * (libzmq, on a libuv pool thread) that keeps upstream's eight proxy
 * counters in atomics the JavaScript thread reads without messaging.
 *
 * Why it exists: upstream's ProxyThread (ZeroMQ-Proxy.cc) runs
 * zmq_proxy_steerable and asks it for its STATISTICS. zeromq.js's Proxy runs
 * the same function but keeps its control socket private, so from
 * JavaScript the counters cost a JS forwarding loop (broker-worker.mjs) at
 * about a fifth of the native proxy's rate. This loop is zmq_proxy's own
 * (libzmq src/proxy.cpp: poll both sockets, forward bursts of up to 1000
 * whole messages with a blocking send, count frames and bytes per side),
 * with the counters readable at any time and a stop that never waits on a
 * control socket: zmq_ctx_shutdown() wakes every blocking call with ETERM,
 * even a send held by XPUB_NODROP at a full pipe.
 *
 * N-API (C, node_api.h), linked against the system's libzmq (Debian's
 * libzmq3-dev). Built by scripts/build.mjs when those are present; without
 * them the "counting" engine falls back to broker-worker.mjs.
 *
 * JavaScript API (adapters/node/counting-proxy.ts wraps it):
 *   open(ioThreads, xpubEndpoint, xsubEndpoint, xpubOptions, xsubOptions)
 *     -> { handle, xpub, xsub }            options: [[ZMQ_*, value], ...]
 *     throws Error{ which: "xpub"|"xsub", errno, message } on a bind error
 *   run(handle) -> Promise<void>          resolves once the sockets are closed
 *   stats(handle) -> number[8]            frontend rcvd msgs, bytes, sent
 *                                          msgs, bytes; backend the same
 *   stop(handle)                           zmq_ctx_shutdown (idempotent)
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* libzmq's proxy_burst_size: messages forwarded per side per poll. */
#define BURST 1000

enum { FE_MSGS_IN, FE_BYTES_IN, FE_MSGS_OUT, FE_BYTES_OUT, BE_MSGS_IN, BE_BYTES_IN, BE_MSGS_OUT, BE_BYTES_OUT, N_STATS };

typedef struct {
  void *ctx;
  void *xsub; /* frontend: publishers (node XPUBs) connect here */
  void *xpub; /* backend: subscribers (node XSUBs) connect here */
  uint64_t stats[N_STATS];
  int error;  /* errno that ended the loop, 0 for a stop */
  int running;
  /* ctx is shut down by the JS thread and terminated by the loop's thread:
     the lock keeps a stop from touching a context being destroyed. */
  pthread_mutex_t lock;
  int terminating;
  napi_async_work work;
  napi_deferred deferred;
} proxy_t;

#define CHECK(env, call)                                 \
  do {                                                   \
    if ((call) != napi_ok) {                             \
      napi_throw_error((env), NULL, "N-API call failed: " #call); \
      return NULL;                                       \
    }                                                    \
  } while (0)

/* The loop's thread is the counters' only writer: a relaxed load and store
   (plain moves on x86) instead of a locked read-modify-write per frame. */
static void add(uint64_t *c, uint64_t n) { __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED); }

/*
 * Forward up to BURST whole messages from `from` to `to`. Returns 0, or -1
 * with errno set (ETERM after a stop). The first frame of each message is
 * read without waiting: when nothing is queued the burst ends.
 */
static int forward(void *from, void *to, uint64_t *in, uint64_t *out) {
  zmq_msg_t msg;
  for (int i = 0; i < BURST; i++) {
    int more;
    int first = 1;
    do {
      if (zmq_msg_init(&msg) != 0) return -1;
      while (zmq_msg_recv(&msg, from, first ? ZMQ_DONTWAIT : 0) < 0) {
        if (errno == EINTR) continue;
        zmq_msg_close(&msg);
        if (first && errno == EAGAIN) return 0;
        return -1;
      }
      first = 0;
      size_t size = zmq_msg_size(&msg);
      more = zmq_msg_more(&msg);
      add(in, 1);
      add(in + 1, size);
      while (zmq_msg_send(&msg, to, more ? ZMQ_SNDMORE : 0) < 0) {
        if (errno == EINTR) continue;
        zmq_msg_close(&msg);
        return -1;
      }
      add(out, 1);
      add(out + 1, size);
    } while (more);
  }
  return 0;
}

/* The loop, on a libuv pool thread (no N-API calls here). */
static void execute(napi_env env, void *data) {
  (void)env;
  proxy_t *p = data;
  zmq_pollitem_t items[2] = {{p->xsub, 0, ZMQ_POLLIN, 0}, {p->xpub, 0, ZMQ_POLLIN, 0}};
  for (;;) {
    if (zmq_poll(items, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if ((items[0].revents & ZMQ_POLLIN) && forward(p->xsub, p->xpub, &p->stats[FE_MSGS_IN], &p->stats[BE_MSGS_OUT]) < 0) break;
    if ((items[1].revents & ZMQ_POLLIN) && forward(p->xpub, p->xsub, &p->stats[BE_MSGS_IN], &p->stats[FE_MSGS_OUT]) < 0) break;
  }
  p->error = errno == ETERM ? 0 : errno;
  /* Close with the linger set at open: what was forwarded may still drain. */
  zmq_close(p->xsub);
  zmq_close(p->xpub);
  pthread_mutex_lock(&p->lock);
  p->terminating = 1;
  void *ctx = p->ctx;
  pthread_mutex_unlock(&p->lock);
  zmq_ctx_term(ctx);
  pthread_mutex_lock(&p->lock);
  p->xsub = p->xpub = p->ctx = NULL;
  pthread_mutex_unlock(&p->lock);
}

static void complete(napi_env env, napi_status status, void *data) {
  proxy_t *p = data;
  p->running = 0;
  napi_delete_async_work(env, p->work);
  p->work = NULL;
  if (status == napi_ok && p->error == 0) {
    napi_value undef;
    napi_get_undefined(env, &undef);
    napi_resolve_deferred(env, p->deferred, undef);
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, p->error ? zmq_strerror(p->error) : "proxy loop cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, p->deferred, err);
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  proxy_t *p = data;
  /* Only reached once JavaScript dropped the handle; a running loop keeps it
     referenced through its promise, so the sockets are closed already unless
     run() was never called. */
  if (p->ctx) {
    zmq_close(p->xsub);
    zmq_close(p->xpub);
    zmq_ctx_term(p->ctx);
  }
  pthread_mutex_destroy(&p->lock);
  free(p);
}

static proxy_t *unwrap(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "not a counting-proxy handle");
    return NULL;
  }
  return data;
}

/* Apply [[option, value], ...]; ZMQ_MAXMSGSIZE is int64, the rest int. */
static int set_options(napi_env env, void *sock, napi_value list) {
  uint32_t n = 0;
  if (napi_get_array_length(env, list, &n) != napi_ok) return -1;
  for (uint32_t i = 0; i < n; i++) {
    napi_value pair, a, b;
    int32_t opt;
    double value;
    if (napi_get_element(env, list, i, &pair) != napi_ok || napi_get_element(env, pair, 0, &a) != napi_ok ||
        napi_get_element(env, pair, 1, &b) != napi_ok || napi_get_value_int32(env, a, &opt) != napi_ok ||
        napi_get_value_double(env, b, &value) != napi_ok)
      return -1;
    int rc;
    if (opt == ZMQ_MAXMSGSIZE) {
      int64_t v = (int64_t)value;
      rc = zmq_setsockopt(sock, opt, &v, sizeof v);
    } else {
      int v = (int)value;
      rc = zmq_setsockopt(sock, opt, &v, sizeof v);
    }
    if (rc != 0) return -1;
  }
  return 0;
}

/*
 * The options of `list` as libzmq holds them once set: [[option, value], ...].
 * Read here, before the loop thread owns the socket. Write-only options
 * (XPUB_NODROP) answer EINVAL and are left out.
 */
static napi_value read_options(napi_env env, void *sock, napi_value list) {
  uint32_t n = 0, k = 0;
  napi_value out;
  napi_create_array(env, &out);
  if (napi_get_array_length(env, list, &n) != napi_ok) return out;
  for (uint32_t i = 0; i < n; i++) {
    napi_value pair, a, o, pr;
    int32_t opt;
    double value;
    if (napi_get_element(env, list, i, &pair) != napi_ok || napi_get_element(env, pair, 0, &a) != napi_ok ||
        napi_get_value_int32(env, a, &opt) != napi_ok)
      continue;
    if (opt == ZMQ_MAXMSGSIZE) {
      int64_t v;
      size_t len = sizeof v;
      if (zmq_getsockopt(sock, opt, &v, &len) != 0) continue;
      value = (double)v;
    } else {
      int v;
      size_t len = sizeof v;
      if (zmq_getsockopt(sock, opt, &v, &len) != 0) continue;
      value = v;
    }
    napi_create_array_with_length(env, 2, &pr);
    napi_create_int32(env, opt, &o);
    napi_set_element(env, pr, 0, o);
    napi_create_double(env, value, &o);
    napi_set_element(env, pr, 1, o);
    napi_set_element(env, out, k++, pr);
  }
  return out;
}

static napi_value bind_error(napi_env env, const char *which, int err) {
  napi_value msg, e, w, code;
  napi_create_string_utf8(env, zmq_strerror(err), NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &e);
  napi_create_string_utf8(env, which, NAPI_AUTO_LENGTH, &w);
  napi_create_int32(env, err, &code);
  napi_set_named_property(env, e, "which", w);
  napi_set_named_property(env, e, "errno", code);
  napi_throw(env, e);
  return NULL;
}

static napi_value open_proxy(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 5) {
    napi_throw_type_error(env, NULL, "open(ioThreads, xpubEndpoint, xsubEndpoint, xpubOptions, xsubOptions)");
    return NULL;
  }
  int32_t io_threads;
  char xpub_ep[1024], xsub_ep[1024];
  size_t len;
  CHECK(env, napi_get_value_int32(env, argv[0], &io_threads));
  CHECK(env, napi_get_value_string_utf8(env, argv[1], xpub_ep, sizeof xpub_ep, &len));
  CHECK(env, napi_get_value_string_utf8(env, argv[2], xsub_ep, sizeof xsub_ep, &len));

  proxy_t *p = calloc(1, sizeof *p);
  if (!p) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&p->lock, NULL);
  p->ctx = zmq_ctx_new();
  zmq_ctx_set(p->ctx, ZMQ_IO_THREADS, io_threads);
  p->xsub = zmq_socket(p->ctx, ZMQ_XSUB);
  p->xpub = zmq_socket(p->ctx, ZMQ_XPUB);
  int one = 1;
  const char *which = NULL;
  int err = 0;
  /* VERBOSER: every subscribe and unsubscribe reaches every node (upstream). */
  if (zmq_setsockopt(p->xpub, ZMQ_XPUB_VERBOSER, &one, sizeof one) != 0 || set_options(env, p->xpub, argv[3]) != 0 ||
      set_options(env, p->xsub, argv[4]) != 0) {
    which = "options";
    err = errno;
  } else if (zmq_bind(p->xpub, xpub_ep) != 0) { /* upstream order: XPUB first */
    which = "xpub";
    err = errno;
  } else if (zmq_bind(p->xsub, xsub_ep) != 0) {
    which = "xsub";
    err = errno;
  }
  if (which) {
    int zero = 0;
    zmq_setsockopt(p->xsub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(p->xpub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_close(p->xsub);
    zmq_close(p->xpub);
    zmq_ctx_term(p->ctx);
    pthread_mutex_destroy(&p->lock);
    free(p);
    return bind_error(env, which, err);
  }

  napi_value out, handle, v;
  char ep[1024];
  size_t eplen;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, napi_create_external(env, p, finalize, NULL, &handle));
  CHECK(env, napi_set_named_property(env, out, "handle", handle));
  eplen = sizeof ep;
  zmq_getsockopt(p->xpub, ZMQ_LAST_ENDPOINT, ep, &eplen);
  CHECK(env, napi_create_string_utf8(env, ep, NAPI_AUTO_LENGTH, &v));
  CHECK(env, napi_set_named_property(env, out, "xpub", v));
  eplen = sizeof ep;
  zmq_getsockopt(p->xsub, ZMQ_LAST_ENDPOINT, ep, &eplen);
  CHECK(env, napi_create_string_utf8(env, ep, NAPI_AUTO_LENGTH, &v));
  CHECK(env, napi_set_named_property(env, out, "xsub", v));
  CHECK(env, napi_set_named_property(env, out, "xpubOptions", read_options(env, p->xpub, argv[3])));
  CHECK(env, napi_set_named_property(env, out, "xsubOptions", read_options(env, p->xsub, argv[4])));
  return out;
}

static napi_value run_proxy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], promise, name;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  proxy_t *p = unwrap(env, argv[0]);
  if (!p) return NULL;
  pthread_mutex_lock(&p->lock);
  int gone = p->ctx == NULL;
  pthread_mutex_unlock(&p->lock);
  if (p->running || gone) {
    napi_throw_error(env, NULL, "the proxy is running or has run");
    return NULL;
  }
  CHECK(env, napi_create_promise(env, &p->deferred, &promise));
  CHECK(env, napi_create_string_utf8(env, "zmq-cluster counting proxy", NAPI_AUTO_LENGTH, &name));
  CHECK(env, napi_create_async_work(env, NULL, name, execute, complete, p, &p->work));
  CHECK(env, napi_queue_async_work(env, p->work));
  p->running = 1;
  return promise;
}

static napi_value stats_proxy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], arr, v;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  proxy_t *p = unwrap(env, argv[0]);
  if (!p) return NULL;
  CHECK(env, napi_create_array_with_length(env, N_STATS, &arr));
  for (uint32_t i = 0; i < N_STATS; i++) {
    CHECK(env, napi_create_double(env, (double)__atomic_load_n(&p->stats[i], __ATOMIC_RELAXED), &v));
    CHECK(env, napi_set_element(env, arr, i, v));
  }
  return arr;
}

static napi_value stop_proxy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  proxy_t *p = unwrap(env, argv[0]);
  if (!p) return NULL;
  /* Thread-safe: wakes the loop's poll or blocked send with ETERM. */
  pthread_mutex_lock(&p->lock);
  if (p->ctx && !p->terminating) zmq_ctx_shutdown(p->ctx);
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, open_proxy, NULL, NULL, NULL, napi_default, NULL},
      {"run", NULL, run_proxy, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, stats_proxy, NULL, NULL, NULL, napi_default, NULL},
      {"stop", NULL, stop_proxy, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
