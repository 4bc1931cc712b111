#!/bin/sh
# Coverage-guided fuzzing of the model loader and the session with libFuzzer
# (target: tests/fuzz/fuzz-model.c). Needs clang; the seed corpus needs
# python3 with numpy and onnx (tools/scripts/dev.sh deps installs them).
#
# usage: tools/scripts/fuzz.sh build   clang build in build-fuzz/ (-Dfuzz=enabled,
#                                      ASan + UBSan that abort on the first error)
#        tools/scripts/fuzz.sh seeds   seed corpus in build-fuzz/seeds/
#        tools/scripts/fuzz.sh run [SECONDS] [LIBFUZZER-ARGS...]
#                                      build, seed, then fuzz for SECONDS (default
#                                      600) with one process; the corpus grows in
#                                      build-fuzz/corpus/, crashes go to
#                                      build-fuzz/artifacts/
#        tools/scripts/fuzz.sh replay FILE...
#                                      run the target once on each file
#
# OCTET_FUZZ_BUILD overrides the build folder. The regression inputs of past
# findings live in tests/data/fuzz-regress/ and are replayed by the ordinary
# test suite (test-malformed), so this script is never needed for CI.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${OCTET_FUZZ_BUILD:-$src/build-fuzz}
target=$build/tests/fuzz/fuzz-model
max_len=65536

do_build() {
  if [ ! -f "$build/build.ninja" ]; then
    CC=${CC:-clang} meson setup "$build" "$src" -Dfuzz=enabled \
      -Db_sanitize=address,undefined -Db_lundef=false \
      -Dbuildtype=debugoptimized -Dtests=disabled \
      -Dopenblas=disabled -Donednn=disabled \
      -Dc_args=-fno-sanitize-recover=all
  fi
  ninja -C "$build" tests/fuzz/fuzz-model
}

do_seeds() {
  seeds=$build/seeds
  if [ -f "$seeds/.complete" ]; then return 0; fi
  rm -rf "$seeds"
  mkdir -p "$seeds"
  # Toy-sized versions of the end-to-end test models and single-op graphs.
  if ! python3 "$src/tools/scripts/fuzz-seeds.py" "$seeds/made"; then
    echo "fuzz.sh: tools/scripts/fuzz-seeds.py failed (numpy and onnx needed); going on" >&2
  fi
  # The repository's models, then ONNX's backend node tests (one model per
  # op case), each no larger than the fuzzer's max_len.
  for f in "$src"/tests/data/*.onnx "$src"/tests/data/fuzz-regress/*; do
    [ -f "$f" ] && [ "$(wc -c < "$f")" -le $max_len ] && cp "$f" "$seeds/"
  done
  node=$(python3 "$src/tools/scripts/find_onnx_node_tests.py" "$build" 2>/dev/null || true)
  if [ -n "$node" ] && [ -d "$node" ]; then
    for d in "$node"/*/; do
      f=$d/model.onnx
      [ -f "$f" ] && [ "$(wc -c < "$f")" -le $max_len ] &&
        cp "$f" "$seeds/node-$(basename "$d").onnx"
    done
  fi
  echo "fuzz.sh: $(find "$seeds" -type f -name '*.onnx' | wc -l) seeds in $seeds"
  touch "$seeds/.complete"
}

case ${1:-run} in
  build) do_build ;;
  seeds) do_seeds ;;
  run)
    [ $# -gt 0 ] && shift
    secs=${1:-600}
    [ $# -gt 0 ] && shift
    do_build
    do_seeds
    mkdir -p "$build/corpus" "$build/artifacts"
    cd "$build" # libFuzzer writes fuzz-<job>.log into the current folder
    exec "$target" -dict="$src/tests/fuzz/onnx.dict" -max_len=$max_len \
      -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=30 \
      -jobs=1 -workers=1 -max_total_time="$secs" -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/" "$@" "$build/corpus" "$build/seeds"
    ;;
  replay)
    shift
    do_build
    exec "$target" -rss_limit_mb=2048 -malloc_limit_mb=1024 "$@"
    ;;
  *)
    sed -n '2,19p' "$0" >&2
    exit 2
    ;;
esac
