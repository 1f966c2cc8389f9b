/* Shared helpers of the C peers: the physical limit of the event path
 * measured with libzmq itself (Debian's libzmq3-dev), no binding in between.
 * Each program prints one line "BENCH {json}" on stdout for bench/run.ts. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void die(const char *what) {
  fprintf(stderr, "%s: %s\n", what, zmq_strerror(zmq_errno()));
  exit(1);
}

static inline void check(int rc, const char *what) {
  if (rc != 0) die(what);
}
#endif
