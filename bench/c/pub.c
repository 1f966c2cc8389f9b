/* Publisher: an XPUB (XPUB_NODROP, so a full pipe blocks instead of
 * dropping, like the node's XPUB with connect_xpub_nodrop) that waits for
 * the first subscription to arrive through the proxy, then sends <count>
 * messages of four frames with the given sizes as fast as libzmq takes them.
 *   pub <connect-endpoint> <count> <topic> <size1> <size2> <size3> */
#include "common.h"

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: pub <endpoint> <count> <topic> <size1> <size2> <size3>\n");
    return 2;
  }
  long count = atol(argv[2]);
  const char *topic = argv[3];
  size_t sizes[3] = {(size_t)atol(argv[4]), (size_t)atol(argv[5]), (size_t)atol(argv[6])};
  char *frames[3];
  for (int i = 0; i < 3; i++) {
    frames[i] = malloc(sizes[i] + 1);
    memset(frames[i], 'a' + i, sizes[i]);
  }
  void *ctx = zmq_ctx_new();
  void *pub = zmq_socket(ctx, ZMQ_XPUB);
  int one = 1;
  check(zmq_setsockopt(pub, ZMQ_XPUB_NODROP, &one, sizeof one), "XPUB_NODROP");
  check(zmq_connect(pub, argv[1]), "connect");
  char sub[256];
  if (zmq_recv(pub, sub, sizeof sub, 0) < 0) die("recv subscription");
  double t0 = now_s();
  size_t tlen = strlen(topic);
  for (long i = 0; i < count; i++) {
    if (zmq_send(pub, topic, tlen, ZMQ_SNDMORE) < 0) die("send");
    if (zmq_send(pub, frames[0], sizes[0], ZMQ_SNDMORE) < 0) die("send");
    if (zmq_send(pub, frames[1], sizes[1], ZMQ_SNDMORE) < 0) die("send");
    if (zmq_send(pub, frames[2], sizes[2], 0) < 0) die("send");
  }
  double t1 = now_s();
  zmq_close(pub);
  zmq_ctx_term(ctx);
  printf("BENCH {\"sent\":%ld,\"send_s\":%.6f}\n", count, t1 - t0);
  return 0;
}
