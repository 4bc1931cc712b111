#!/usr/bin/env bash
# Set-up, build and the two main jobs of octet on Debian 12 (as root).
#   tools/scripts/dev.sh demo   install dependencies, build, run the main job
#                               (octet bench on the built-in encoder: table,
#                               JSON, CSV and the chart in build/)
#   tools/scripts/dev.sh test   install dependencies, build, run the whole
#                               test suite (release build; a build without
#                               OpenBLAS and oneDNN; again under ASan +
#                               UBSan; then arm64, cross-built and run under
#                               qemu-aarch64 with three CPU models)
#   tools/scripts/dev.sh deps | build | test-arm64
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(build-essential meson ninja-build pkgconf check libomp-dev
  protobuf-c-compiler libprotobuf-c-dev libopenblas-dev
  libopenblas-openmp-dev libdnnl-dev libcjson-dev
  python3 python3-pip librsvg2-bin
  python3-torchvision # torch for /usr/bin/python3: tools/scripts/make_vision_models.py
  cmake) # cmake: tests/test-install.sh tries the CMake package
PIP_PACKAGES=(numpy onnx onnxruntime)
# arm64 cross build and emulated tests (tools/scripts/dev.sh test-arm64)
ARM64_PACKAGES=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  libc6:arm64 libgomp1:arm64 libprotobuf-c-dev:arm64 check:arm64
  libopenblas-dev:arm64 libcjson-dev:arm64 pkgconf:arm64)

# apt-get installs those of the given packages that are missing.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "octet: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

deps() {
  apt_install "${APT_PACKAGES[@]}"
  if ! python3 -c 'import numpy, onnx, onnxruntime' 2>/dev/null; then
    echo "octet: pip install ${PIP_PACKAGES[*]}" >&2
    python3 -m pip install -q "${PIP_PACKAGES[@]}" 2>/dev/null ||
      python3 -m pip install -q --break-system-packages "${PIP_PACKAGES[@]}"
  fi
}

deps_arm64() {
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
  fi
  apt_install "${ARM64_PACKAGES[@]}"
}

# arm64: cross-built (oneDNN left out: Debian's arm64 headers conflict with
# the amd64 ones), tests under qemu-aarch64 with each CPU model: max
# (dotprod + i8mm + fp16), neoverse-n1 (dotprod + fp16), cortex-a53 (none).
# Emulation is 30-100x slower than native, so arm64 runs a representative
# subset (the whole suite would take ~75 minutes): under max, every suite
# whose code differs on arm64 (the arm kernels and their selection, the API,
# the ops and ONNX node tests through the NEON op set); under the other two,
# the arm kernel and API suites, each asserting the int8 and fp16 kernels it
# selects. The precision suite (w8a8 bit-identical at every ISA level,
# fp16/w8a8 accuracy) runs on the torch-exported model under each CPU model;
# the encoder's and the MLP's outputs are compared byte for byte between
# x86 and all three arm64 CPU models by tests/test-xarch.sh. Suites left out
# here (models, chunk, backend-openblas, bench, graph-scale) test code that
# is the same C on both architectures and run natively above.
ARM64_SUITES=(arm-qs8-gemm arm-f32-gemm arm-linear arm-vec-ops arm-attention api)
ARM64_MAX_SUITES=("${ARM64_SUITES[@]}" ops-elementwise ops-elementwise-unary ops-linalg
  ops-norm ops-movement ops-shape ops-activation ops-variadic ops-pad ops-compare
  ops-reduce ops-space ops-conv ops-topk malformed npy plan fuzz-regress onnx-node cli)
test_arm64() {
  deps_arm64
  [ -d build-arm64 ] || meson setup build-arm64 --cross-file cross/aarch64-linux-gnu.ini \
    --buildtype=release -Donednn=disabled
  ninja -C build-arm64
  local run=(env OCTET_TEST_SKIP_SLOW=1 meson test -C build-arm64 --print-errorlogs --num-processes 1
    --timeout-multiplier 4)
  QEMU_CPU=max OCTET_TEST_EXPECT_KERNEL=i8mm \
    OCTET_TEST_EXPECT_FP16_KERNEL="f16 8x8 neonfp16arith" \
    "${run[@]}" "${ARM64_MAX_SUITES[@]}"
  QEMU_CPU=max OCTET_TEST_MODELS=torch_tiny "${run[@]}" precision
  # fp16 arithmetic is emulated ~50-100x slower: under max the precision
  # suite covers the native fp16 kernel; here it takes the convert path
  # (OCTET_FP16_ARITH=0), while arm-linear still runs both paths itself and
  # checks the kernel this CPU picks.
  QEMU_CPU=neoverse-n1 OCTET_TEST_EXPECT_KERNEL=dotprod \
    OCTET_TEST_EXPECT_FP16_KERNEL="f16 8x8 neonfp16arith" \
    "${run[@]}" "${ARM64_SUITES[@]}"
  QEMU_CPU=neoverse-n1 OCTET_FP16_ARITH=0 OCTET_TEST_MODELS=torch_tiny "${run[@]}" precision
  QEMU_CPU=cortex-a53 OCTET_TEST_EXPECT_KERNEL=neon \
    OCTET_TEST_EXPECT_FP16_KERNEL="f16w 8x12 neon" \
    "${run[@]}" "${ARM64_SUITES[@]}"
  QEMU_CPU=cortex-a53 OCTET_TEST_MODELS=torch_tiny "${run[@]}" precision
  bash tests/test-xarch.sh build/tools/octet build-arm64/tools/octet
}

# The vision models the build without libraries and the ASan + UBSan stage
# run (tests/test-vision.c; all of them take ~2 minutes in the release
# build, where the library backends would not claim a node the x86 backend
# has): a small torchvision CNN, the UNet and audio model (Resize, LSTM), a
# wild model with PRelu and NHWC Transposes.
VISION_SUBSET=mobilenet_v3_small,unet,audio,mtcnn_onet

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
    OCTET_TEST_SKIP_SLOW=1 OCTET_TEST_VISION="${OCTET_TEST_VISION:-$VISION_SUBSET}" \
      meson test -C build-nolibs --print-errorlogs --num-processes 1
    build_asan
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      OCTET_TEST_SKIP_SLOW=1 OCTET_TEST_VISION="${OCTET_TEST_VISION:-$VISION_SUBSET}" \
      meson test -C build-asan --print-errorlogs --num-processes 1 \
      --timeout-multiplier 3
    test_arm64
    ;;
  test-arm64) deps; build; test_arm64 ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
