# The checks of the command-line tests (test-cli.sh, test-bench.sh), sourced
# once OCTET names the program:
#   - makes $tmp, a folder removed at exit;
#   - in a cross build (meson sets MESON_EXE_WRAPPER, e.g. qemu-aarch64),
#     points OCTET at a wrapper that runs the program through the emulator;
#   - expect DESC RC CMD [ARGS...]   runs CMD, keeps its stdout and stderr in
#                                    $tmp/out and $tmp/err, checks the status
#   - has DESC STREAM PATTERN        the last command's std$STREAM (out, err)
#     lacks DESC STREAM PATTERN      matches (does not match) the extended
#                                    regular expression PATTERN
#   - empty DESC STREAM              ... is empty
#   - pass DESC / fail DESC          count a check (fail shows the output)
#   - summary                        "N passed, M failed"; its status is 0
#                                    when nothing failed (end the test with it)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ -n "${MESON_EXE_WRAPPER:-}" ]; then
  printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$MESON_EXE_WRAPPER" "$(readlink -f "$OCTET")" \
    > "$tmp/octet-wrapped"
  chmod +x "$tmp/octet-wrapped"
  OCTET=$tmp/octet-wrapped
fi

passed=0
failed=0

pass() {
  passed=$((passed + 1))
  echo "ok   - $1"
}

fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  for f in out err; do
    if [ -s "$tmp/$f" ]; then
      echo "  --- std$f:"
      sed -n '1,25s/^/  | /p' "$tmp/$f"
    fi
  done
}

expect() {
  desc=$1
  want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -eq "$want" ]; then
    pass "$desc (exit $rc)"
  else
    fail "$desc: exit $rc, expected $want"
  fi
}

has() {
  if grep -Eq -- "$3" "$tmp/$2"; then pass "$1"; else fail "$1: std$2 does not match /$3/"; fi
}

lacks() {
  if grep -Eq -- "$3" "$tmp/$2"; then fail "$1: std$2 matches /$3/"; else pass "$1"; fi
}

empty() {
  if [ -s "$tmp/$2" ]; then fail "$1: std$2 is not empty"; else pass "$1"; fi
}

summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
