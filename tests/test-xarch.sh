#!/usr/bin/env bash
# w8a8 outputs bit-identical between x86 and arm64: the built-in encoder and
# MLP (fixed-seed weights and inputs) through the native octet and through
# the arm64 octet under qemu-aarch64 with each CPU model (max: i8mm,
# neoverse-n1: dotprod, cortex-a53: plain NEON), compared byte for byte.
# Also checks that `octet inspect` shows the int8 kernel (w8a8) and the fp16
# kernel (fp16: native fp16 arithmetic where the CPU model has FPHP +
# ASIMDHP, else the convert path) each CPU model should select.
# usage: test-xarch.sh NATIVE_OCTET ARM64_OCTET
set -uo pipefail
native=$1 arm=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
declare -A want=([max]=i8mm [neoverse-n1]=dotprod [cortex-a53]=neon)
declare -A want16=([max]="f16 8x8 neonfp16arith" [neoverse-n1]="f16 8x8 neonfp16arith"
                   [cortex-a53]="f16w 8x12 neon")
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
    k16=$(QEMU_CPU=$cpu qemu-aarch64 "$arm" inspect "$model" -p fp16 -b 1 2>/dev/null |
          grep OctetLinear | grep -o 'f16w* [0-9x]* [a-z0-9]*' | sort -u)
    if [[ "$k16" == "${want16[$cpu]}" ]]; then
      echo "ok: $model fp16 on $cpu runs '$k16' on every linear node"; pass=$((pass + 1))
    else
      echo "FAIL: $model fp16 on $cpu runs '$k16', expected ${want16[$cpu]}"; fail=$((fail + 1))
    fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
