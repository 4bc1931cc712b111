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

# Every help is printed as it stands (no printf escapes left in it).
for c in run inspect bench compare; do
  expect "$c --help" 0 "$OCTET" $c --help
  lacks "$c --help has no '%%'" out '%%'
  lacks "$c --help has no printf escape" out '\\n|%[sd]'
done
expect "--help (top level)" 0 "$OCTET" --help
lacks "--help has no '%%'" out '%%'

# A usage error: one line naming it, one line pointing at the help, exit 2.
# usage_error DESC CMD PATTERN ARGS...: `octet ARGS` is a usage error of
# `octet CMD` (CMD "-": of octet itself) whose message matches PATTERN.
usage_error() {
  ue_desc=$1
  ue_cmd=$2
  ue_pat=$3
  shift 3
  expect "$ue_desc" 2 "$OCTET" "$@"
  if [ "$ue_cmd" = - ]; then ue_pre="octet"; ue_try="octet"; else ue_pre="octet $ue_cmd"; ue_try="octet $ue_cmd"; fi
  has "$ue_desc: one line naming the error" err "^$ue_pre: $ue_pat"
  has "$ue_desc: points at the help" err "^Try '$ue_try --help'\.\$"
  if [ "$(wc -l <"$tmp/err")" -eq 2 ]; then
    pass "$ue_desc: two lines, no help dump"
  else
    fail "$ue_desc: $(wc -l <"$tmp/err") lines on stderr, expected 2"
  fi
  empty "$ue_desc: nothing on stdout" out
}

usage_error "no command" - 'no command given' 
usage_error "unknown command" - "unknown command 'frobnicate'\$" frobnicate
usage_error "unknown top-level option" - "unknown option '--frobnicate'\$" --frobnicate
usage_error "help on an unknown command" - "unknown command 'frobnicate'\$" help frobnicate
for c in run inspect bench compare; do
  usage_error "unknown $c option" $c "unknown option '--foo'\$" $c --foo
done
usage_error "run without MODEL" run 'no MODEL given' run
usage_error "inspect without MODEL" inspect 'no MODEL given' inspect
usage_error "run with two models" run "unexpected argument" run "$MODEL" "$MODEL"
usage_error "run option without its value" run "option '--threads' needs a value" \
  run "$MODEL" --threads
usage_error "inspect -b without its value" inspect "option '-b' needs a value" \
  inspect "$MODEL" -b
usage_error "bench option without its value" bench "option '--batch' needs a value" \
  bench --batch
usage_error "compare --svg without its value" compare "option '--svg' needs a value" \
  compare a.json b.json --svg
usage_error "bad --precision" run "bad --precision 'fp8'" run "$MODEL" --precision fp8
usage_error "bad --threads" run "bad --threads 'many'" run "$MODEL" --threads many
usage_error "bad --batch" run "bad --batch '0'" run "$MODEL" --batch 0
usage_error "bad --int-range" run "bad --int-range '5,5'" run "$MODEL" --int-range 5,5
usage_error "bad --dim" run "bad --dim 'nodigits'" run "$MODEL" --dim nodigits
usage_error "bad bench --batch" bench "bad --batch '2,,3'" bench --batch 2,,3
usage_error "bad inspect --precision" inspect "bad --precision" inspect "$MODEL" -p fp8
usage_error "compare with one report" compare "needs at least two" compare a.json

# Values of short options attached (-b2) or apart (-b 2), long ones with '='
# or apart.
for form in "-b2" "-b 2" "--batch 2" "--batch=2"; do
  # shellcheck disable=SC2086
  expect "run $form" 0 "$OCTET" run "$MODEL" -t1 $form
  has "run $form: batch 2" err 'batch 2$'
  # shellcheck disable=SC2086
  expect "inspect $form" 0 "$OCTET" inspect "$MODEL" -t1 $form
  has "inspect $form: batch 2" out 'batch 2$'
done
expect "inspect -pfp32 -t1" 0 "$OCTET" inspect "$MODEL" -pfp32 -t1
has "inspect -pfp32 -t1: precision and threads" out 'precision fp32, .*threads 1,'
expect "inspect -p fp32 --threads=1" 0 "$OCTET" inspect "$MODEL" -p fp32 --threads=1
has "inspect --threads=1: threads 1" out 'threads 1,'
usage_error "attached value checked like a separate one" run "bad --batch '0'" \
  run "$MODEL" -b0

# --backend: the same syntax in run, inspect and bench.
case $(if [ -n "${MESON_EXE_WRAPPER:-}" ]; then echo aarch64; else uname -m; fi) in
  x86_64 | amd64) simd=x86 ;;
  aarch64 | arm64) simd=arm ;;
  *) simd= ;;
esac
if [ -n "$simd" ]; then
  for c in run inspect; do
    expect "$c --backend $simd+ref" 0 "$OCTET" $c "$MODEL" -t1 --backend $simd+ref
  done
  has "inspect --backend $simd+ref: the spec as given" out "backends $simd\+ref,"
  has "inspect --backend $simd+ref: $simd runs nodes" out "^ +[0-9]+ .* $simd +[^ ]"
  expect "inspect --backend $simd" 0 "$OCTET" inspect "$MODEL" -t1 --backend $simd
  has "inspect --backend $simd: $simd runs nodes" out "^ +[0-9]+ .* $simd +[^ ]"
  expect "inspect --backend ref+$simd" 0 "$OCTET" inspect "$MODEL" -t1 --backend ref+$simd
  lacks "inspect --backend ref+$simd: ref first takes every node" out "^ +[0-9]+ .* $simd +[^ ]"
  expect "inspect --backend $simd,ref (one list)" 0 "$OCTET" inspect "$MODEL" -t1 \
    --backend "$simd,ref"
else
  echo "skip - --backend x86+ref (neither x86 nor arm64)"
fi
expect "run --backend ref" 0 "$OCTET" run "$MODEL" -t1 --backend ref
has "run --backend ref: the spec as given" err 'backends ref,'
for c in run inspect bench; do
  m=$MODEL
  [ $c = bench ] && m=mlp
  usage_error "$c --backend with an empty name" $c "bad --backend 'x86\+\+ref': an empty" \
    $c "$m" --backend x86++ref
  usage_error "$c --backend with a bad name" $c "bad --backend 'x86\+r/f': 'r/f' is not" \
    $c "$m" --backend 'x86+r/f'
done
usage_error "--backend empty" run "bad --backend ''" run "$MODEL" --backend=

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

# -o DIR makes the missing parents too, like mkdir -p.
deep="$tmp/deep/er/still"
expect "run -o into missing parents" 0 "$OCTET" run "$MODEL" -t1 -o "$deep"
if [ -d "$deep" ] && ls "$deep"/*.npy >/dev/null 2>&1; then
  pass "-o created $deep with the outputs"
else
  fail "-o created $deep with the outputs"
fi
expect "run -oDIR/ (attached, trailing slash) into an existing tree" 0 \
  "$OCTET" run "$MODEL" -t1 "-o$tmp/deep/er/"
printf 'x' >"$tmp/plain"
expect "run -o under a plain file" 1 "$OCTET" run "$MODEL" -t1 -o "$tmp/plain/sub/dir"
has "-o under a plain file: names the paths" err \
  "^octet: cannot create directory .*/plain/sub/dir: .*/plain is not a directory"
expect "run -o onto a plain file" 1 "$OCTET" run "$MODEL" -t1 -o "$tmp/plain"
has "-o onto a plain file: message" err "cannot create directory .*/plain: it exists and is not a directory"
mkdir -p "$tmp/ro" && chmod 555 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  expect "run -o where a parent cannot be made" 1 "$OCTET" run "$MODEL" -t1 -o "$tmp/ro/a/b"
  has "-o unwritable: names the path and the reason" err \
    "^octet: cannot create directory .*/ro/a: Permission denied"
else
  echo "skip - -o in a read-only folder (root writes anywhere)"
fi
chmod 755 "$tmp/ro"

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

# ---- the built-in resnet18 (issue 16) ----------------------------------

for c in run inspect; do
  expect "$c --help lists resnet18" 0 "$OCTET" $c --help
  has "$c --help: resnet18 among the built-ins" out 'encoder, mlp, resnet18'
done
expect "inspect resnet18" 0 "$OCTET" inspect resnet18 -t1
has "inspect resnet18: opset 17" out '^opset: 17$'
has "inspect resnet18: 69 nodes" out '^nodes: 69$'
# torchvision's 11,689,512 parameters plus the 9,600 BN running means and
# variances, which are initializers too.
has "inspect resnet18: parameters" out '^parameters: 11699112 '
has "inspect resnet18: input" out '^  input +float32 +\[batch, 3, 224, 224\]$'
has "inspect resnet18: output" out '^  output +float32 +\[batch, 1000\]$'
has "inspect resnet18: 20 Conv" out '^  Conv +20$'
has "inspect resnet18: 20 BatchNormalization in the model" out '^  BatchNormalization +20$'
has "inspect resnet18: BN folded, 48 nodes scheduled" out '^schedule \(48 nodes\):$'
lacks "inspect resnet18: no BN node scheduled" out '^ +[0-9]+ .* BatchNormalization '
# The resnet18 runs take ~1 minute in the ref convolution: the release
# stage runs them; dev.sh skips them in the sanitizer, no-library and
# emulated arm64 stages (OCTET_TEST_SKIP_SLOW=1).
if [ "${OCTET_TEST_SKIP_SLOW:-0}" != 1 ]; then
expect "run resnet18 -b 1" 0 "$OCTET" run resnet18 -b 1 -t1 -o "$tmp/r18"
has "run resnet18: output [1, 1000]" err '^  output output +float32 +\[1, 1000\] +min -?[0-9]'
lacks "run resnet18: finite" err 'nan|inf'
fi
usage_error "bench --model with an unknown built-in" bench \
  "bad --model 'resnet50' \\(built-ins: encoder, mlp, resnet18\\)" bench --model resnet50

summary
