#!/bin/sh
# `octet inspect` and `octet run` on each model of the vision test data
# (tools/scripts/make_vision_models.py), once per model, at batch 3 on the
# data's inputs: both must exit 0, and run must write every output.
#
# usage: tests/test-vision-cli.sh /path/to/octet DATADIR
#
# OCTET_TEST_VISION=a,b limits it to those models, as for test-vision. The
# models waiting for an op (the list `pending` in tests/test-vision.c, here
# PENDING) must be refused naming that op until it lands.

if [ $# -ne 2 ]; then
  echo "usage: $0 /path/to/octet DATADIR" >&2
  exit 2
fi
OCTET=$1
DATA=$2
PENDING="unet:Resize audio:LSTM"
# inspect plans without input files: symbolic dims other than the batch are
# 32 unless given. PaddleOCR's models name height and width "?" and pool
# the height down by 32 or more: 48, as RapidOCR feeds them.
INSPECT_DIMS="ppocr_cls:?=48 ppocr_rec:?=48 ppocrv5_rec:d1=80"
set -f # no globbing of those "?"
if [ ! -r "$DATA/manifest.txt" ]; then
  echo "SKIP: cannot read $DATA/manifest.txt (make it with tools/scripts/make_vision_models.py)"
  exit 77
fi

. "$(dirname "$0")/cli-check.sh"

selected() {
  [ -z "${OCTET_TEST_VISION:-}" ] && return 0
  case ",$OCTET_TEST_VISION," in *",$1,"*) return 0 ;; esac
  return 1
}

for model in $(awk '$2 == 3 { print $1 }' "$DATA/manifest.txt"); do
  selected "$model" || continue
  path=$(awk -v m="$model" '$1 == m && $2 == 3 { print $3 }' "$DATA/manifest.txt")
  op=
  for p in $PENDING; do
    [ "${p%%:*}" = "$model" ] && op=${p#*:}
  done
  dims=
  for p in $INSPECT_DIMS; do
    [ "${p%%:*}" = "$model" ] && dims=${p#*:}
  done
  inputs=
  set +f
  files=$(ls "$DATA/$model/b3"/in_*.npy)
  set -f
  for f in $files; do
    name=$(basename "$f" .npy)
    inputs="$inputs -i ${name#in_}=$f"
  done
  # shellcheck disable=SC2086  # $inputs is a list of words
  "$OCTET" inspect "$DATA/$path" -b 3 ${dims:+--dim "$dims"} >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ -n "$op" ] && [ "$rc" -ne 0 ] && grep -q "unsupported op '$op'" "$tmp/err"; then
    pass "$model: inspect refuses it for $op (PENDING: expected to pass once $op lands)"
    expect "$model: run refuses it for $op (PENDING)" 1 "$OCTET" run "$DATA/$path" $inputs
    has "$model: run names $op" err "unsupported op '$op'"
    continue
  fi
  if [ "$rc" -eq 0 ]; then pass "$model: inspect (exit 0)"; else fail "$model: inspect: exit $rc"; fi
  has "$model: inspect lists the nodes" out "^ +[0-9]+ "
  rm -rf "$tmp/o"
  # shellcheck disable=SC2086
  expect "$model: run at batch 3" 0 "$OCTET" run "$DATA/$path" $inputs -t 2 -o "$tmp/o"
  n_out=$(ls "$DATA/$model/b3" | grep -c '^out_')
  n_got=$(ls "$tmp/o" 2>/dev/null | grep -c '\.npy$')
  if [ "$n_got" -eq "$n_out" ]; then pass "$model: run wrote $n_got outputs"
  else fail "$model: run wrote $n_got outputs, the model has $n_out"; fi
done
summary
