#!/usr/bin/env bash
# What a C project gets from `meson install`: installs the build into a
# temporary DESTDIR, then, against that prefix only,
#   - checks the files (octet.pc, liboctet.so.0 -> liboctet.so.0.1.0 with that
#     SONAME, the CMake package) and that the installed library and CLI keep
#     the rpath to the OpenMP build of OpenBLAS (and load it);
#   - builds examples/run-model.c and the README's program with
#     `pkg-config --cflags --libs octet`, and run-model once more statically
#     (liboctet.a + `pkg-config --static --libs`), and runs them on a model
#     of the test data (OCTET_TESTDATA: mlp.onnx; tests/data/torch_tiny.onnx
#     without it);
#   - builds run-model with CMake (find_package(octet CONFIG)) when cmake is
#     installed.
# usage: test-install.sh BUILD_DIR SOURCE_DIR [SANITIZE [CC]]
#   SANITIZE: the build's b_sanitize (address,undefined...; none): a
#   sanitized liboctet needs the programs linked with the same runtime.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
san=${3:-none}
cc=${4:-${CC:-cc}} # the build's compiler
cflags=(-std=c11 -Wall -Wextra -Werror)
[ "$san" = none ] || cflags+=("-fsanitize=$san")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/octet-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

meson install -C "$build" --no-rebuild --destdir "$tmp/dest" > "$tmp/install.log" ||
  { cat "$tmp/install.log"; fail "meson install"; }
pc=$(find "$tmp/dest" -name octet.pc | head -n 1)
[ -n "$pc" ] || fail "no octet.pc installed"
prefix=$(sed -n 's/^prefix=//p' "$pc")
root="$tmp/dest$prefix"
export PKG_CONFIG_PATH=$(dirname "$pc")
pkgc() { pkg-config --define-variable=prefix="$root" "$@" octet; }
libdir=$(pkgc --variable=libdir)
echo "installed under $root (libdir $libdir)"

# the library: versioned file, SONAME, development link
[ -f "$libdir/liboctet.so.0.1.0" ] || fail "no liboctet.so.0.1.0"
[ "$(readlink "$libdir/liboctet.so.0")" = liboctet.so.0.1.0 ] || fail "liboctet.so.0 link"
[ "$(readlink "$libdir/liboctet.so")" = liboctet.so.0 ] || fail "liboctet.so link"
readelf -d "$libdir/liboctet.so.0.1.0" | grep 'SONAME.*\[liboctet.so.0\]' > /dev/null || fail "SONAME"
[ -f "$libdir/liboctet.a" ] || fail "no liboctet.a"
[ -f "$libdir/cmake/octet/octetConfig.cmake" ] || fail "no CMake package"
grep -q '^Requires.private:.*libprotobuf-c' "$pc" || fail "octet.pc: no protobuf-c"
grep -q '^Libs.private:.*-lm' "$pc" || fail "octet.pc: no libm"

# OpenBLAS: where the build has the OpenMP build, the installed files keep
# the rpath to it and load it (not the system's default, the pthread one)
triplet=$("$cc" -print-multiarch 2>/dev/null || true)
omp_blas=/usr/lib/$triplet/openblas-openmp
has_blas=0
ldd "$libdir/liboctet.so.0.1.0" | grep libopenblas > /dev/null && has_blas=1
if [ "$has_blas" = 1 ] && [ -n "$triplet" ] && [ -d "$omp_blas" ]; then
  for f in "$libdir/liboctet.so.0.1.0" "$root/bin/octet"; do
    readelf -d "$f" | grep "R.*PATH.*$omp_blas" > /dev/null || fail "$f: no rpath to $omp_blas"
    ldd "$f" | grep libopenblas | grep "$omp_blas" > /dev/null || fail "$f loads another OpenBLAS"
  done
  grep -q "^Libs.private:.*-Wl,-rpath,$omp_blas" "$pc" || fail "octet.pc: no OpenBLAS rpath"
  echo "installed library and CLI load $omp_blas"
fi

model="${OCTET_TESTDATA:-}/mlp.onnx"
[ -n "${OCTET_TESTDATA:-}" ] && [ -f "$model" ] || model="$src/tests/data/torch_tiny.onnx"

# examples/run-model.c, shared (the rpath to the DESTDIR is for this test:
# an install into a real prefix finds liboctet.so.0 in the system's paths)
"$cc" "${cflags[@]}" "$src/examples/run-model.c" $(pkgc --cflags --libs) \
  -Wl,-rpath,"$libdir" -o "$tmp/run-model"
ldd "$tmp/run-model" | grep "$libdir/liboctet.so.0" > /dev/null || fail "run-model does not load liboctet.so.0"
"$tmp/run-model" "$model" w8a8 | tee "$tmp/out.txt"
grep -q '^output ' "$tmp/out.txt" || fail "run-model printed no output"

# the same, statically: liboctet.a and what `--static` adds
"$cc" "${cflags[@]}" "$src/examples/run-model.c" $(pkgc --cflags) \
  "$libdir/liboctet.a" $(pkgc --static --libs | sed 's/\(^\| \)-loctet\( \|$\)/ /') \
  -o "$tmp/run-model-static"
ldd "$tmp/run-model-static" | grep liboctet > /dev/null && fail "the static build loads liboctet.so"
"$tmp/run-model-static" "$model" fp32 | tee "$tmp/out-static.txt"
grep -q '^output ' "$tmp/out-static.txt" || fail "static run-model printed no output"

# the README's program, as it stands, on mlp.onnx (its input is x [batch, 1024])
awk '/^## Using the library/ {s = 1} s && /^```c$/ {c = 1; next} c && /^```$/ {exit} c' \
  "$src/README.md" > "$tmp/readme.c"
[ -s "$tmp/readme.c" ] || fail "no C block in README.md's 'Using the library'"
"$cc" "${cflags[@]}" "$tmp/readme.c" $(pkgc --cflags --libs) \
  -Wl,-rpath,"$libdir" -o "$tmp/readme"
if [ -f "${OCTET_TESTDATA:-}/mlp.onnx" ]; then
  "$tmp/readme" "$OCTET_TESTDATA/mlp.onnx" | tee "$tmp/readme.txt"
  grep -q '^y: \[8, 1024\]' "$tmp/readme.txt" || fail "the README's program"
fi

# CMake, when there is one
if command -v cmake > /dev/null; then
  mkdir -p "$tmp/cm"
  cat > "$tmp/cm/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.13)
project(octet_user C)
find_package(octet 0.1 CONFIG REQUIRED)
add_executable(run-model "$src/examples/run-model.c")
target_link_libraries(run-model PRIVATE octet::octet)
EOF
  cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$root" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$([ "$san" = none ] || echo "-fsanitize=$san")" > "$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "cmake"; }
  cmake --build "$tmp/cm/build" > "$tmp/cmake-build.log" 2>&1 ||
    { cat "$tmp/cmake-build.log"; fail "cmake --build"; }
  "$tmp/cm/build/run-model" "$model" fp16 | grep '^output ' > /dev/null || fail "CMake-built run-model"
  echo "CMake: find_package(octet CONFIG) and octet::octet work"
else
  echo "cmake not installed: the CMake package is not tried"
fi
echo "install: ok"
