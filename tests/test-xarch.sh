#!/usr/bin/env bash
# w8a8 outputs bit-identical between x86 and arm64: the built-in encoder and
# MLP (fixed-seed weights and inputs) through the native octet and through
# the arm64 octet under qemu-aarch64 with each CPU model (max: i8mm,
# neoverse-n1: dotprod, cortex-a53: plain NEON), compared byte for byte.
# Also checks that `octet inspect` shows the kernel each CPU model should
# select. usage: test-xarch.sh NATIVE_OCTET ARM64_OCTET
set -uo pipefail
native=$1 arm=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
declare -A want=([max]=i8mm [neoverse-n1]=dotprod [cortex-a53]=neon)
for model in encoder mlp; do
  "$native" run "$model" -p w8a8 -b 3 -o "$tmp/native-$model" 2>/dev/null || {
    echo "FAIL: native octet run $model"; fail=$((fail + 1)); continue; }
  for cpu in max neoverse-n1 cortex-a53; do
    out="$tmp/$cpu-$model"
    if ! QEMU_CPU=$cpu qemu-aarch64 "$arm" run "$model" -p w8a8 -b 3 -o "$out" 2>/dev/null; then
      echo "FAIL: arm64 ($cpu) octet run $model"; fail=$((fail + 1)); continue
    fi
    for f in "$tmp/native-$model"/*.npy; do
      if cmp -s "$f" "$out/$(basename "$f")"; then
        echo "ok: $model w8a8 $(basename "$f"): arm64 $cpu == x86"; pass=$((pass + 1))
      else
        echo "FAIL: $model w8a8 $(basename "$f"): arm64 $cpu differs from x86"; fail=$((fail + 1))
      fi
    done
    k=$(QEMU_CPU=$cpu qemu-aarch64 "$arm" inspect "$model" -p w8a8 -b 1 2>/dev/null |
        grep -m1 OctetLinear | grep -o 'qs8 [^ ]* [a-z0-9]*')
    if [[ "$k" == *"${want[$cpu]}" ]]; then
      echo "ok: $model on $cpu runs '$k'"; pass=$((pass + 1))
    else
      echo "FAIL: $model on $cpu runs '$k', expected ${want[$cpu]}"; fail=$((fail + 1))
    fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
