#!/usr/bin/env bash
# Set-up, build and the two main jobs of octet on Debian 12 (as root).
#   tools/dev.sh demo   install dependencies, build, run the main job
#                       (octet bench on the built-in encoder: table, JSON,
#                       CSV and the chart in build/)
#   tools/dev.sh test   install dependencies, build, run the whole test suite
#                       (release build; a build without OpenBLAS and oneDNN;
#                       then again under ASan + UBSan)
#   tools/dev.sh deps | build
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential meson ninja-build pkgconf check libomp-dev
  protobuf-c-compiler libprotobuf-c-dev libopenblas-dev
  libopenblas-openmp-dev libdnnl-dev
  python3 python3-pip librsvg2-bin)
PIP_PACKAGES=(numpy onnx onnxruntime)

deps() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "octet: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! python3 -c 'import numpy, onnx, onnxruntime' 2>/dev/null; then
    echo "octet: pip install ${PIP_PACKAGES[*]}" >&2
    python3 -m pip install -q "${PIP_PACKAGES[@]}" 2>/dev/null ||
      python3 -m pip install -q --break-system-packages "${PIP_PACKAGES[@]}"
  fi
}

build() {
  [ -d build ] || meson setup build --buildtype=release
  ninja -C build
}

# Without the optional libraries: the build and every other test must pass,
# the backend tests report themselves skipped.
build_nolibs() {
  [ -d build-nolibs ] || meson setup build-nolibs --buildtype=release \
    -Dopenblas=disabled -Donednn=disabled
  ninja -C build-nolibs
}

build_asan() {
  [ -d build-asan ] || meson setup build-asan --buildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all
  ninja -C build-asan
}

export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"

case "${1:-}" in
  deps) deps ;;
  build) deps; build ;;
  demo)
    deps; build
    build/tools/octet bench --json build/bench.json --csv build/bench.csv \
      --svg build/bench.svg
    ;;
  test)
    deps; build
    meson test -C build --print-errorlogs --num-processes 1
    build_nolibs
    meson test -C build-nolibs --print-errorlogs --num-processes 1
    build_asan
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      meson test -C build-asan --print-errorlogs --num-processes 1 \
      --timeout-multiplier 3
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
