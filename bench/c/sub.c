/* Subscriber: a SUB that counts <count> four-frame messages on <topic> and
 * reports the rate between the first and the last one. Gives up after
 * <timeout-ms> without a message and reports what it got.
 *   sub <connect-endpoint> <count> <topic> <timeout-ms> */
#include "common.h"

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: sub <endpoint> <count> <topic> <timeout-ms>\n");
    return 2;
  }
  long count = atol(argv[2]);
  int timeout = atoi(argv[4]);
  void *ctx = zmq_ctx_new();
  void *sub = zmq_socket(ctx, ZMQ_SUB);
  check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, argv[3], strlen(argv[3])), "subscribe");
  check(zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout), "RCVTIMEO");
  check(zmq_connect(sub, argv[1]), "connect");
  printf("BENCH {\"ready\":true}\n");
  fflush(stdout);
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  long got = 0, bad = 0;
  double first = 0, last = 0;
  while (got < count) {
    int parts = 0, more = 1;
    while (more) {
      if (zmq_msg_recv(&msg, sub, 0) < 0) goto out;
      parts++;
      more = zmq_msg_more(&msg);
    }
    last = now_s();
    if (got == 0) first = last;
    if (parts != 4) bad++;
    got++;
  }
out:
  zmq_msg_close(&msg);
  printf("BENCH {\"received\":%ld,\"bad\":%ld,\"elapsed_s\":%.6f}\n", got, bad, last - first);
  fflush(stdout);
  zmq_close(sub);
  zmq_ctx_term(ctx);
  return 0;
}
