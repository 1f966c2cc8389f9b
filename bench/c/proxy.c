/* libzmq's own forwarder: XSUB (bind) <-> XPUB (bind, XPUB_NODROP) through
 * zmq_proxy(), as upstream's ProxyThread does. Runs until killed.
 *   proxy <xsub-endpoint> <xpub-endpoint> */
#include "common.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: proxy <xsub-endpoint> <xpub-endpoint>\n");
    return 2;
  }
  void *ctx = zmq_ctx_new();
  void *xsub = zmq_socket(ctx, ZMQ_XSUB);
  void *xpub = zmq_socket(ctx, ZMQ_XPUB);
  int one = 1;
  check(zmq_setsockopt(xpub, ZMQ_XPUB_NODROP, &one, sizeof one), "XPUB_NODROP");
  check(zmq_bind(xpub, argv[2]), "bind xpub");
  check(zmq_bind(xsub, argv[1]), "bind xsub");
  printf("BENCH {\"ready\":true}\n");
  fflush(stdout);
  zmq_proxy(xsub, xpub, NULL);
  return 0;
}
