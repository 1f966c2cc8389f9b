#!/usr/bin/env bash
# Debian packages the test suites use (run as root):
#   python3-zmq, python3-msgpack  a foreign broker and logger (interop tests)
#   libzmq3-dev                   C peers for the benchmark's physical limit
#   wabt                          wasm2c, for the C host of the Wasm core
#   chromium                      the browser host of the Wasm core
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-zmq python3-msgpack libzmq3-dev wabt chromium gcc libc6-dev >/dev/null
echo "test dependencies installed"
