#!/bin/sh
# npm run build:c: build/core.wasm -> C (wasm2c, Debian package wabt) ->
# build/c/zc-host, linked with the ABI driver adapters/c/zc_host.c.
# Needs `npm run build` first (for build/core.wasm), gcc, and wabt's
# /usr/src/wasm2c/{wasm-rt.h,wasm-rt-impl.h,wasm-rt-impl.c}.
set -eu
cd "$(dirname "$0")/../.."
rt=/usr/src/wasm2c
out=build/c
for f in build/core.wasm "$rt/wasm-rt-impl.c" "$rt/wasm-rt.h"; do
  [ -f "$f" ] || { echo "build:c: $f is missing (npm run build; apt-get install -y wabt)" >&2; exit 1; }
done
command -v wasm2c >/dev/null || { echo "build:c: wasm2c not found (apt-get install -y wabt)" >&2; exit 1; }
mkdir -p "$out"
wasm2c build/core.wasm -n zc -o "$out/core.c"
# The generated code is compiled without our warning flags (it is not ours).
gcc -O2 -c -I"$rt" "$out/core.c" -o "$out/core.o"
gcc -O2 -c -I"$rt" "$rt/wasm-rt-impl.c" -o "$out/wasm-rt-impl.o"
gcc -O2 -std=c11 -Wall -Wextra -Werror -c -I"$rt" -I"$out" adapters/c/zc_host.c -o "$out/zc_host.o"
gcc "$out/zc_host.o" "$out/core.o" "$out/wasm-rt-impl.o" -lm -o "$out/zc-host"
# Which module this binary carries: c-host.ts refuses to replay with a stale one.
sha256sum build/core.wasm | cut -d' ' -f1 > "$out/core.wasm.sha256"
echo "build/c/zc-host $(wc -c < "$out/zc-host") bytes"
