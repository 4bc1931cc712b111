#!/bin/sh
# Tests of the `octet` command line.
#
# usage: tests/test-cli.sh /path/to/octet /path/to/model.onnx
#
# The model can be any model octet runs with random inputs. Prints one line
# per check and "N passed, M failed" at the end; exits 1 when a check fails,
# 2 on bad arguments.

if [ $# -ne 2 ]; then
  echo "usage: $0 /path/to/octet /path/to/model.onnx" >&2
  exit 2
fi
OCTET=$1
MODEL=$2
if [ ! -x "$OCTET" ]; then
  echo "$0: $OCTET is not an executable" >&2
  exit 2
fi
if [ ! -r "$MODEL" ]; then
  echo "$0: cannot read $MODEL" >&2
  exit 2
fi

. "$(dirname "$0")/cli-check.sh"

is_npy() {
  [ "$(od -An -tx1 -N6 "$1" | tr -d ' \n')" = "934e554d5059" ]
}

# ---- help, version, usage errors --------------------------------------

expect "--help" 0 "$OCTET" --help
has "--help lists run" out '^  run '
has "--help lists inspect" out '^  inspect '
empty "--help prints nothing on stderr" err

expect "help run" 0 "$OCTET" help run
has "help run is the run usage" out '^usage: octet run MODEL'

expect "--version" 0 "$OCTET" --version
has "--version prints the version" out '^octet [0-9]+\.[0-9]+'

expect "run --help" 0 "$OCTET" run --help
has "run --help shows its usage" out '^usage: octet run MODEL'
has "run --help documents -i" out '--input NAME=FILE'

expect "inspect --help" 0 "$OCTET" inspect --help
has "inspect --help shows its usage" out '^usage: octet inspect MODEL'

expect "no command" 2 "$OCTET"
has "no command: usage on stderr" err '^usage: octet'

expect "unknown command" 2 "$OCTET" frobnicate
has "unknown command: message" err "^octet: unknown command 'frobnicate'"
has "unknown command: usage on stderr" err '^usage: octet'

expect "unknown top-level option" 2 "$OCTET" --frobnicate
has "unknown top-level option: message" err "unknown option '--frobnicate'"

expect "unknown run option" 2 "$OCTET" run "$MODEL" --frobnicate
has "unknown run option: message" err "^octet: unknown option '--frobnicate'"
has "unknown run option: usage" err '^usage: octet run'
empty "unknown run option: nothing on stdout" out

expect "unknown inspect option" 2 "$OCTET" inspect "$MODEL" --frobnicate
has "unknown inspect option: message" err "unknown option '--frobnicate'"

expect "run without MODEL" 2 "$OCTET" run
has "run without MODEL: message" err '^octet: run needs a MODEL'

expect "run with two models" 2 "$OCTET" run "$MODEL" "$MODEL"
expect "option without its value" 2 "$OCTET" run "$MODEL" --threads
has "option without its value: message" err 'needs a value'
expect "bad --precision" 2 "$OCTET" run "$MODEL" --precision fp8
has "bad --precision: message" err 'precision'
expect "bad --threads" 2 "$OCTET" run "$MODEL" --threads many
expect "bad --batch" 2 "$OCTET" run "$MODEL" --batch 0
expect "bad --int-range" 2 "$OCTET" run "$MODEL" --int-range 5,5
expect "bad --dim" 2 "$OCTET" run "$MODEL" --dim nodigits

# ---- errors at run time -----------------------------------------------

expect "run on a missing model" 1 "$OCTET" run "$tmp/no-such-model.onnx"
has "missing model: message" err '^octet: .+'
has "missing model: names the file" err 'no-such-model\.onnx'

head -c 100 "$MODEL" >"$tmp/truncated.onnx"
expect "run on a truncated model" 1 "$OCTET" run "$tmp/truncated.onnx"
has "truncated model: message" err '^octet: .+'

printf 'not a protobuf at all\n' >"$tmp/garbage.onnx"
expect "inspect on a garbage model" 1 "$OCTET" inspect "$tmp/garbage.onnx"
has "garbage model: message" err '^octet: .+'

expect "input name not in the model" 1 \
  "$OCTET" run "$MODEL" -i no_such_input_xyz="$tmp/x.npy"
has "input name not in the model: message" err \
  "^octet: 'no_such_input_xyz' is not an input of the model"

# ---- inspect ----------------------------------------------------------

expect "inspect" 0 "$OCTET" inspect "$MODEL" --threads 1
has "inspect prints the opset" out '^opset: [0-9]+'
has "inspect prints the parameters" out '^parameters: [0-9]+'
has "inspect prints the inputs" out '^inputs \([0-9]+\):'
has "inspect prints the op histogram" out '^ops \([0-9]+ types, [0-9]+ nodes\):'
has "op histogram has entries" out '^  [A-Za-z][A-Za-z0-9_]* +[0-9]+$'
has "inspect prints the arena" out '^arena: [0-9]+ bytes'
has "inspect prints the weights" out '^weights: [0-9]+ bytes'
has "inspect prints the schedule" out '^schedule \([0-9]+ nodes\):'
n_outputs=$(sed -n 's/^outputs (\([0-9]*\)):$/\1/p' "$tmp/out")
first_input=$(awk '/^inputs \(/ { getline; print $1; exit }' "$tmp/out")

expect "inspect --batch 3 --precision fp32" 0 \
  "$OCTET" inspect "$MODEL" --batch 3 --precision fp32 --threads 1
has "inspect reports the batch" out 'batch 3'
has "inspect reports the precision" out 'precision fp32'

# ---- run --------------------------------------------------------------

expect "run with random inputs" 0 "$OCTET" run "$MODEL" --threads 1
has "run prints the inputs" err '^  input '
has "run prints the outputs with stats" err '^  output .*(min|empty|no finite)'
has "run prints the time" err '^  time .*run [0-9.]+ ms'
empty "run without -o prints nothing on stdout" out

out1="$tmp/out1"
expect "run -o writes outputs" 0 \
  "$OCTET" run "$MODEL" --threads 1 --seed 7 -o "$out1"
n_files=0
bad_names=
for f in "$out1"/*; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  case $name in
    *[!A-Za-z0-9._-]*) bad_names="$bad_names $name" ;;
    ?*.npy) n_files=$((n_files + 1)) ;;
    *) bad_names="$bad_names $name" ;;
  esac
done
if [ -n "$n_outputs" ] && [ "$n_files" -eq "$n_outputs" ]; then
  pass "one .npy per output ($n_files)"
else
  fail "one .npy per output: $n_files files, $n_outputs outputs"
fi
if [ -z "$bad_names" ]; then
  pass "output file names use [A-Za-z0-9._-]"
else
  fail "output file names use [A-Za-z0-9._-]:$bad_names"
fi
all_npy=1
for f in "$out1"/*.npy; do
  [ -e "$f" ] && { is_npy "$f" || all_npy=0; }
done
if [ "$n_files" -gt 0 ] && [ "$all_npy" -eq 1 ]; then
  pass "outputs are .npy files"
else
  fail "outputs are .npy files"
fi

out2="$tmp/out2"
expect "run again with the same seed" 0 \
  "$OCTET" run "$MODEL" --threads 1 --seed 7 -o "$out2"
same=1
for f in "$out1"/*.npy; do
  cmp -s "$f" "$out2/$(basename "$f")" || same=0
done
if [ "$n_files" -gt 0 ] && [ "$same" -eq 1 ]; then
  pass "same seed, same outputs"
else
  fail "same seed, same outputs"
fi

expect "run --batch 2" 0 "$OCTET" run "$MODEL" --threads 1 --batch 2
has "run reports the batch" err 'batch 2'

# Other precisions either run or fail cleanly (a build may lack them).
for p in fp16 w8a8; do
  "$OCTET" run "$MODEL" --threads 1 --precision $p >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -eq 0 ] && grep -q "precision $p" "$tmp/err"; then
    pass "run --precision $p runs"
  elif [ "$rc" -eq 1 ] && grep -Eq '^octet: .+' "$tmp/err"; then
    pass "run --precision $p fails cleanly: $(grep '^octet: ' "$tmp/err")"
  else
    fail "run --precision $p: exit $rc"
  fi
done

if [ -n "$first_input" ]; then
  printf 'this is not an npy file' >"$tmp/garbage.npy"
  expect "input from a garbage .npy" 1 \
    "$OCTET" run "$MODEL" -i "$first_input=$tmp/garbage.npy"
  has "garbage .npy: message names the file" err '^octet: npy .*garbage\.npy'

  expect "input from a missing .npy" 1 \
    "$OCTET" run "$MODEL" -i "$first_input=$tmp/missing.npy"
  has "missing .npy: message" err '^octet: npy .*missing\.npy'

  expect "the same input twice" 1 \
    "$OCTET" run "$MODEL" -i "$first_input=$tmp/garbage.npy" \
    -i "$first_input=$tmp/garbage.npy"
else
  fail "could not read the first input's name from inspect"
fi

summary
