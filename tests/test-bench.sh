#!/bin/sh
# Tests of `octet bench` and `octet compare` on small configurations.
#
# usage: tests/test-bench.sh /path/to/octet [MODEL.onnx]
#
# Checks exit codes and messages, the JSON fields, the CSV, the SVG
# structure and bar heights, compare on two reports (and its refusal of
# different models), error rows, and the precision warnings (OCTET_ISA=avx2
# forces the int8 one). python3 parses the JSON, CSV and SVG (checks that
# need it are skipped without python3). Prints one line per check and
# "N passed, M failed" at the end; exits 1 when a check fails, 2 on bad
# arguments. MODEL (optional) is an ONNX file with a symbolic first dim,
# benchmarked as a file.

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 /path/to/octet [MODEL.onnx]" >&2
  exit 2
fi
OCTET=$1
MODEL=${2:-}
if [ ! -x "$OCTET" ]; then
  echo "$0: $OCTET is not an executable" >&2
  exit 2
fi

. "$(dirname "$0")/cli-check.sh"

PY=
if command -v python3 >/dev/null 2>&1; then PY=python3; fi

# py DESC SCRIPT ARGS...: runs a python3 check that prints "ok" or what is
# wrong.
py() {
  desc=$1
  shift
  if [ -z "$PY" ]; then
    echo "skip - $desc (no python3)"
    return
  fi
  res=$("$PY" -c "$@" 2>&1)
  if [ "$res" = ok ]; then pass "$desc"; else fail "$desc: $res"; fi
}

# Small, fast configurations (the peak microbenchmarks take a second: only
# the first run measures them).
SMALL="--reps 2 --warmup 0 --threads 1 --no-peaks"

# ---- usage ---------------------------------------------------------------

expect "bench --help" 0 "$OCTET" bench --help
has "bench --help shows its usage" out '^usage: octet bench \[MODEL\]'
has "bench --help documents --precision" out '--precision LIST'
has "bench --help: % of peak, once escaped" out 'GOP/s and % of peak'
lacks "bench --help: no printf escapes left" out '%%'
expect "compare --help" 0 "$OCTET" compare --help
has "compare --help shows its usage" out '^usage: octet compare A.json B.json'
expect "--help lists bench" 0 "$OCTET" --help
has "--help lists bench and compare" out '^  compare '

expect "unknown bench option" 2 "$OCTET" bench --frobnicate
has "unknown bench option: message" err "^octet bench: unknown option '--frobnicate'\$"
has "unknown bench option: the help's name" err "^Try 'octet bench --help'\.\$"
lacks "unknown bench option: no help dump" err '^usage:'
expect "bad bench --threads value" 2 "$OCTET" bench -t x
has "bad bench --threads value: message" err "^octet bench: bad thread count 'x'"
lacks "bad bench --threads value: no help dump" err '^usage:'
expect "unknown compare option" 2 "$OCTET" compare --foo
has "unknown compare option: message" err "^octet compare: unknown option '--foo'\$"
has "unknown compare option: the help's name" err "^Try 'octet compare --help'\.\$"
expect "bad --batch" 2 "$OCTET" bench --batch 2,,3
expect "bad --precision" 2 "$OCTET" bench --precision fp8
has "bad --precision: message" err "bad precision 'fp8'"
expect "bad --model" 2 "$OCTET" bench --model resnet
expect "bad --reps" 2 "$OCTET" bench --reps 0
expect "bad --min-time" 2 "$OCTET" bench --min-time -1
expect "compare needs two reports" 2 "$OCTET" compare "$tmp/a.json"

expect "unwritable --json fails before running" 1 \
  "$OCTET" bench --model mlp --no-peaks --json "$tmp/no/such/dir/r.json"
has "unwritable --json: message" err 'cannot write .*r\.json'
expect "missing model file" 1 "$OCTET" bench "$tmp/no-such-model.onnx" --no-peaks
has "missing model file: message" err 'no-such-model\.onnx'

# ---- the mlp at two batch sizes: table, JSON, CSV, SVG -------------------

A="$tmp/mlp-a"
expect "bench mlp fp32 batch 2,3" 0 "$OCTET" bench --model mlp --batch 2,3 \
  --precision fp32 --reps 2 --warmup 0 --threads 1 \
  --json "$A.json" --csv "$A.csv" --svg "$A.svg"
has "machine block: cpu" out '^  cpu +.+cores; ISA level '
has "machine block: peaks" out '^  peaks +1 thread: fp32 [0-9.]+ GFLOP/s .*int8 [0-9.]+ GOP/s.*memory [0-9.]+ GB/s'
has "machine block: build" out '^  build +octet '
has "table header" out '^model +precision +backend +threads +batch +median ms +min ms +max ms +p90 ms +items/s'
has "table row batch 2" out '^mlp +fp32 +[^ ]+ +1 +2 +[0-9.]+ '
has "table row batch 3" out '^mlp +fp32 +[^ ]+ +1 +3 +[0-9.]+ '
lacks "no warnings for fp32 only" err 'warning'

py "JSON: machine, settings and results fields" '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["machine"]
for k in ("peak_fp32_gflops", "peak_int8_gops", "mem_gbps"):
    assert isinstance(m[k], (int, float)) and m[k] > 0, k
assert isinstance(m["cpu"], str) and m["cpu"], "cpu"
assert isinstance(m["isa"], str) and m["isa"], "isa"
assert isinstance(m["isa_flags"], list), "isa_flags"
for k in ("compiler", "octet_version", "git_commit"):
    assert isinstance(m[k], str), k
s = d["settings"]
assert s["model"] == "mlp" and s["batches"] == [2, 3] and s["precisions"] == ["fp32"], s
assert s["threads"] == [1] and s["reps"] == 2 and s["warmup"] == 0, s
r = d["results"]
assert len(r) == 2, len(r)
need = ("model", "precision", "backend", "threads", "batch", "median_ms", "min_ms",
        "max_ms", "items_per_s", "speedup_vs_fp16", "cosine_vs_fp32",
        "max_rel_err_vs_fp32", "weight_bytes", "arena_bytes", "pct_of_peak")
for row, b in zip(r, (2, 3)):
    for k in need:
        assert k in row, "missing " + k
    assert row["model"] == "mlp" and row["precision"] == "fp32", row
    assert row["batch"] == b and row["threads"] == 1 and row["error"] is None, row
    assert 0 < row["min_ms"] <= row["median_ms"] <= row["max_ms"], row
    assert row["min_ms"] <= row["p90_ms"] <= row["max_ms"], row
    assert row["runs"] >= 2, row
    assert abs(row["items_per_s"] - b / row["median_ms"] * 1e3) < 1e-6 * row["items_per_s"], row
    assert row["speedup_vs_fp16"] is None, "no fp16 row, no speedup"
    assert abs(row["speedup_vs_fp32"] - 1) < 1e-12, row
    assert row["cosine_vs_fp32"] > 0.999999 and row["max_rel_err_vs_fp32"] == 0, row
    assert row["weight_bytes"] >= 4 * (1024*4096 + 4096*3072 + 3072*3072 + 3072*1024), row
    assert row["arena_bytes"] > 0 and row["pct_of_peak"] > 0, row
    assert abs(row["gflop"] - 2e-9 * b * (1024*4096 + 4096*3072 + 3072*3072 + 3072*1024)) < 1e-9, row
    assert row["peak_kind"] == "fp32" and row["kernel"], row
assert r[1]["arena_bytes"] > r[0]["arena_bytes"], "arena grows with the batch"
print("ok")
' "$A.json"

py "CSV: header and one line per result" '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1])))
head = rows[0]
assert head[:6] == ["model", "precision", "backend", "backend_spec", "threads", "batch"], head
for k in ("median_ms", "min_ms", "max_ms", "p90_ms", "items_per_s", "speedup_vs_fp16",
          "cosine_vs_fp32", "max_rel_err_vs_fp32", "weight_bytes", "arena_bytes",
          "pct_of_peak", "kernel", "error"):
    assert k in head, "missing column " + k
assert len(rows) == 3, "%d lines" % len(rows)
assert all(len(x) == len(head) for x in rows), "ragged rows"
d = json.load(open(sys.argv[2]))["results"]
i = head.index("median_ms")
for x, j in zip(rows[1:], d):
    assert x[0] == "mlp" and x[5] == str(j["batch"]), x
    assert abs(float(x[i]) - j["median_ms"]) <= 1e-6 * j["median_ms"], (x[i], j["median_ms"])
print("ok")
' "$A.csv" "$A.json"

SVGCHECK='
import json, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
texts = [t.text or "" for t in root.iter(ns + "text")]
assert "Batch Size" in texts and "Latency (ms)" in texts, "axis titles"
bars = [r for r in root.iter(ns + "rect") if r.get("class") == "bar"]
want = {}
for f in sys.argv[3:]:
    for r in json.load(open(f))["results"]:
        if r["error"] is None:
            want[(r["precision"], r["batch"])] = r["median_ms"]
assert len(bars) == int(sys.argv[2]), "%d bars" % len(bars)
ratios = []
for b in bars:
    v, h = float(b.get("data-value")), float(b.get("height"))
    key = (b.get("data-precision"), int(b.get("data-batch")))
    if len(sys.argv) == 4:
        assert abs(want[key] - v) <= 1e-6 * v, (key, want[key], v)
    assert h > 0
    ratios.append(h / v)
assert max(ratios) - min(ratios) <= 1e-3 * max(ratios), "heights not proportional: %r" % ratios
print("ok")
'
py "SVG: parses, one bar per result, heights proportional to median_ms" \
  "$SVGCHECK" "$A.svg" 2 "$A.json"
py "SVG: the ticks are round numbers" '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
ticks = [float(t.text) for t in ET.parse(sys.argv[1]).getroot().iter(ns + "text")
         if t.get("class") == "tick"]
assert len(ticks) >= 3 and ticks[0] == 0, ticks
step = ticks[1] - ticks[0]
m = step / 10 ** __import__("math").floor(__import__("math").log10(step))
assert any(abs(m - x) < 1e-9 for x in (1, 2, 2.5, 5)), step
print("ok")
' "$A.svg"

# ---- quiet, markdown -------------------------------------------------------

B="$tmp/mlp-b"
expect "bench mlp --quiet --md, 2 threads" 0 "$OCTET" bench mlp --batch 2,3 \
  --precision fp32 --reps 2 --warmup 0 --threads 2 --no-peaks --quiet --md --json "$B.json"
has "--md prints a markdown table" out '^\| model \| precision \| backend \|'
has "--md rows" out '^\| mlp \| fp32 \| [^|]+ \| 2 \| 3 \|'
lacks "--quiet: no machine block" out 'peaks'
if [ -s "$tmp/err" ]; then fail "--quiet: nothing on stderr"; else pass "--quiet: nothing on stderr"; fi
py "--no-peaks: peaks and % of peak are null" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["machine"]["peak_fp32_gflops"] is None and d["machine"]["mem_gbps"] is None
assert all(r["pct_of_peak"] is None and r["median_ms"] > 0 for r in d["results"])
assert [r["threads"] for r in d["results"]] == [2, 2]
print("ok")
' "$B.json"

# ---- progress, attached short values, profile, raw samples, CSV fields -------

P="$tmp/prog"
expect "bench -b1,2 -pfp32 -t1 --progress --profile" 0 "$OCTET" bench --model mlp -b1,2 \
  -pfp32 -t1 --reps 3 --warmup 0 --no-peaks --progress --profile --json "$P.json" --csv "$P.csv"
has "-b1,2 attached: batch 1 row" out '^mlp +fp32 +[^ ]+ +1 +1 +[0-9.]+ '
has "-b1,2 attached: batch 2 row" out '^mlp +fp32 +[^ ]+ +1 +2 +[0-9.]+ '
has "--progress without a terminal: a line per step" err '^octet bench: \[1/2, [0-9]+ s\] mlp fp32 '
has "--progress: an ETA once a configuration is done" err \
  '^octet bench: \[2/2, [0-9]+ s, ETA [0-9]+ s\] mlp fp32 '
has "--progress: '1 thread'" err 'compiling mlp for fp32, 1 thread$'
lacks "--progress: never '1 threads'" err '(^|[^0-9])1 threads'
has "--profile: one table per configuration" out '^profile: mlp fp32 [^,]+, 1 thread, batch 2 '
lacks "--profile: never '1 threads'" out '(^|[^0-9])1 threads'
expect "bench -t2 --progress --quiet" 0 "$OCTET" bench --model mlp -b 1 -p fp32 -t 2 \
  --reps 1 --warmup 0 --no-peaks --progress --quiet
has "--progress: '2 threads'" err 'compiling mlp for fp32, 2 threads$'
py "JSON: timestamp, os, build type" '
import json, os, re, sys, time, calendar
d = json.load(open(sys.argv[1]))
t = d["timestamp"]
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t), t
age = time.time() - calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ"))
assert -5 < age < 3600, ("not now", t)
m = d["machine"]
u = os.uname()
assert m["os"] == {"sysname": u.sysname, "release": u.release, "machine": u.machine} or \
    (os.environ.get("MESON_EXE_WRAPPER") and m["os"]["sysname"] == u.sysname), m["os"]
assert m["build_type"] and "buildtype=" + m["build_type"] in m["build"], (m["build_type"], m["build"])
print("ok")
' "$P.json"
py "JSON: raw samples of every row, the statistics are theirs" '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    s = r["samples_ms"]
    assert len(s) == r["runs"] >= 3, (len(s), r["runs"])
    assert all(isinstance(x, (int, float)) and x > 0 for x in s), s
    q = sorted(s)
    med = q[len(q) // 2] if len(q) % 2 else (q[len(q) // 2 - 1] + q[len(q) // 2]) / 2
    assert abs(med - r["median_ms"]) <= 1e-6 * med, (med, r["median_ms"])
    assert abs(q[0] - r["min_ms"]) <= 1e-6 * q[0] and abs(q[-1] - r["max_ms"]) <= 1e-6 * q[-1]
print("ok")
' "$P.json"
py "JSON: the --profile of every row" '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    p = r["profile"]
    assert p["runs"] == 3 and p["total_ms"] > 0 and p["truncated"] is False, p
    ops = p["ops"]
    assert ops and all(o["op"] and o["backend"] and o["kernel"] and o["nodes"] >= 1 for o in ops), ops
    assert abs(sum(o["ms_per_run"] for o in ops) - p["total_ms"]) <= 1e-6 * p["total_ms"]
    assert abs(sum(o["share_pct"] for o in ops) - 100) < 1e-6, ops
    assert [o["ms_per_run"] for o in ops] == sorted((o["ms_per_run"] for o in ops), reverse=True)
    lin = [o for o in ops if o["gflop"] > 0]
    assert lin and all(o["gops"] > 0 and o["pct_of_peak"] is None for o in lin), lin
    assert sum(o["nodes"] for o in lin) == 4, lin
print("ok")
' "$P.json"
py "JSON: no profile without --profile" '
import json, sys
assert all("profile" not in r for r in json.load(open(sys.argv[1]))["results"])
print("ok")
' "$A.json"
py "CSV: the machine and build on every row" '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1])))
head, body = rows[0], rows[1:]
d = json.load(open(sys.argv[2]))
m = d["machine"]
want = {"cpu": m["cpu"], "isa": m["isa"], "isa_best": m["isa_best"], "cores": str(m["cores"]),
        "octet_version": m["octet_version"], "git_commit": m["git_commit"],
        "build_type": m["build_type"], "compiler": m["compiler"],
        "os": " ".join((m["os"]["sysname"], m["os"]["release"], m["os"]["machine"])),
        "timestamp": d["timestamp"]}
assert len(body) == 2 and all(len(x) == len(head) for x in body), "ragged rows"
for k, v in want.items():
    assert k in head, "missing column " + k
    assert v, "empty " + k
    assert all(x[head.index(k)] == v for x in body), (k, v, [x[head.index(k)] for x in body])
assert [x[head.index("threads")] for x in body] == ["1", "1"]
print("ok")
' "$P.csv" "$P.json"

# ---- compare ----------------------------------------------------------------

expect "compare two reports" 0 "$OCTET" compare "$A.json" "$B.json" --svg "$tmp/cmp.svg"
has "compare: markdown table" out '^\| model \| precision \| batch \| mlp-a ms \|'
has "compare: a row per (model, precision, batch)" out '^\| mlp \| fp32 \| 3 \| [0-9.]+ \|'
has "compare: speedup column" out 'mlp-b vs mlp-a'
has "compare: % of peak" out '[0-9.]+%'
has "compare: names the settings that differ" out "threads\*\*: mlp-a: 1; mlp-b: 2"
py "compare SVG: 4 bars, heights proportional" "$SVGCHECK" "$tmp/cmp.svg" 4

# Reports of earlier builds (no timestamp, os, samples or profile) still read,
# alone and beside new ones.
DOCS=$(dirname "$0")/../docs/bench
expect "compare the old reports of docs/bench" 0 "$OCTET" compare "$DOCS/encoder-2t.json" \
  "$DOCS/encoder-2t-vnni.json" "$DOCS/backends-2t.json" "$DOCS/encoder-onnx-2t.json"
has "compare old reports: a row per batch" out '^\| encoder \| w8a8 \| 1024 \| [0-9.]+ \|'
has "compare old reports: no os, no date" out '^\| os \| - \| - \| - \| - \|'
if [ -n "$PY" ]; then
  "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("timestamp")
for k in ("os", "build_type"):
    d["machine"].pop(k)
for r in d["results"]:
    r.pop("samples_ms")
    r.pop("profile", None)
json.dump(d, open(sys.argv[2], "w"), indent=1)
' "$P.json" "$tmp/prog-old.json"
  expect "compare a new report with an old-style one" 0 "$OCTET" compare "$P.json" \
    "$tmp/prog-old.json"
  has "compare new and old: the new one's os and date" out \
    '^\| os \| [A-Za-z]+ [^|]+ \| - \|'
  has "compare new and old: date" out '^\| date \| [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \| - \|'
  has "compare new and old: rows" out '^\| mlp \| fp32 \| 2 \| [0-9.]+ \| - \| [0-9.]+ \| 1\.00x \| - \|$'
fi

E="$tmp/enc"
expect "bench encoder --seq 8 --batch 2" 0 "$OCTET" bench --seq 8 --batch 2 \
  --precision fp32,fp16,w8a8 --reps 1 --warmup 0 --threads 1 --min-time 0 --no-peaks \
  --json "$E.json" --svg "$E.svg"
has "encoder: fp32 row" out '^encoder +fp32 '
py "encoder JSON: seq 8, 3 rows, accuracy of those that ran" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["settings"]["model"] == "encoder" and d["settings"]["seq"] == 8, d["settings"]
r = {x["precision"]: x for x in d["results"]}
assert sorted(r) == ["fp16", "fp32", "w8a8"], sorted(r)
assert r["fp32"]["error"] is None and r["fp32"]["cosine_vs_fp32"] > 0.999999
for p in ("fp16", "w8a8"):
    x = r[p]
    if x["error"] is None:
        assert x["cosine_vs_fp32"] > 0.99, x
        assert x["weight_bytes"] < r["fp32"]["weight_bytes"], x
        assert x["speedup_vs_fp32"] > 0, x
    else:
        assert x["median_ms"] is None and isinstance(x["error"], str), x
if r["fp16"]["error"] is None and r["w8a8"]["error"] is None:
    s = r["w8a8"]["speedup_vs_fp16"]
    assert abs(s - r["fp16"]["median_ms"] / r["w8a8"]["median_ms"]) < 1e-6 * s, s
    assert r["w8a8"]["peak_kind"] == "int8" and r["fp16"]["peak_kind"] == "fp32"
print("ok")
' "$E.json"
# ---- resnet18 (issue 16): batch 1 only, the ref convolution is slow -----

expect "bench --help lists resnet18" 0 "$OCTET" bench --help
has "bench --help lists resnet18" out '^  resnet18 +torchvision ResNet-18'
has "bench --help: resnet18's defaults" out 'default --batch 1 --reps 2'
# The resnet18 runs take ~1 minute in the ref convolution: the release
# stage runs them; dev.sh skips them in the sanitizer, no-library and
# emulated arm64 stages (OCTET_TEST_SKIP_SLOW=1).
if [ "${OCTET_TEST_SKIP_SLOW:-0}" != 1 ]; then
R="$tmp/r18"
expect "bench resnet18 --batch 1, fp32,fp16,w8a8" 0 "$OCTET" bench --model resnet18 \
  --batch 1 --precision fp32,fp16,w8a8 --reps 1 --warmup 0 --threads 1 --no-peaks \
  --json "$R.json"
for p in fp32 fp16 w8a8; do
  has "resnet18: $p row" out "^resnet18 +$p +[^ ]+ +1 +1 +[0-9.]+ "
done
py "resnet18 JSON: fp16 and w8a8 agree with fp32" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["settings"]["model"] == "resnet18" and d["settings"]["batches"] == [1], d["settings"]
r = {x["precision"]: x for x in d["results"]}
assert sorted(r) == ["fp16", "fp32", "w8a8"], sorted(r)
assert r["fp32"]["error"] is None, r["fp32"]
assert r["fp16"]["error"] is None and r["fp16"]["max_rel_err_vs_fp32"] <= 2e-2, r["fp16"]
assert r["w8a8"]["error"] is None and r["w8a8"]["cosine_vs_fp32"] >= 0.99, r["w8a8"]
print("ok")
' "$R.json"
fi


py "encoder SVG: a speedup panel when fp16 and w8a8 ran" '
import json, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
r = {x["precision"]: x for x in json.load(open(sys.argv[2]))["results"]}
sp = [b for b in ET.parse(sys.argv[1]).getroot().iter(ns + "rect")
      if b.get("class") == "speedup-bar"]
if r["fp16"]["error"] is None and r["w8a8"]["error"] is None:
    assert len(sp) == 1, len(sp)
    assert abs(float(sp[0].get("data-value")) - r["w8a8"]["speedup_vs_fp16"]) < 1e-6
else:
    assert not sp
print("ok")
' "$E.svg" "$E.json"

expect "compare refuses different models" 1 "$OCTET" compare "$A.json" "$E.json"
has "compare refusal: message" err 'different models'
has "compare refusal: names both" err 'mlp.*encoder'
printf '{"results": 3}' >"$tmp/bad.json"
expect "compare on a report without results" 1 "$OCTET" compare "$A.json" "$tmp/bad.json"
has "compare bad report: message" err 'not an octet bench report'
printf '{"results": [' >"$tmp/trunc.json"
expect "compare on truncated JSON" 1 "$OCTET" compare "$A.json" "$tmp/trunc.json"
has "compare truncated JSON: message" err 'not valid JSON'

# ---- error rows ---------------------------------------------------------------

expect "a backend that does not exist gives error rows" 0 "$OCTET" bench --model mlp \
  --batch 2 --precision fp32 --backend ref,nosuch $SMALL --json "$tmp/err.json"
has "error row in the table" out '^mlp +fp32 +nosuch +1 +2 +error: '
py "error row in the JSON" '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert len(r) == 2, len(r)
ok = [x for x in r if x["error"] is None]
bad = [x for x in r if x["error"] is not None]
assert len(ok) == 1 and len(bad) == 1, r
assert bad[0]["backend"] == "nosuch" and bad[0]["median_ms"] is None, bad
assert "nosuch" in bad[0]["error"], bad
print("ok")
' "$tmp/err.json"
expect "no configuration runs: exit 1" 1 "$OCTET" bench --model mlp --batch 2 \
  --precision fp32 --backend nosuch $SMALL
has "no configuration runs: message" err 'no configuration ran'

# ---- an ONNX file ------------------------------------------------------------

if [ -n "$MODEL" ]; then
  expect "bench an ONNX file" 0 "$OCTET" bench "$MODEL" --batch 2,3 --precision fp32 \
    $SMALL --seq 4 --json "$tmp/file.json"
  name=$(basename "$MODEL" .onnx)
  has "file: rows named after the file" out "^$name +fp32 +[^ ]+ +1 +3 +[0-9.]+ "
  py "file: JSON rows" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["settings"]["model_source"].endswith(".onnx"), d["settings"]
r = d["results"]
assert [x["batch"] for x in r] == [2, 3] and all(x["error"] is None for x in r), r
assert r[1]["items_per_s"] > 0 and r[1]["arena_bytes"] > r[0]["arena_bytes"], r
print("ok")
' "$tmp/file.json"
  expect "--batch-dim that no input has" 1 "$OCTET" bench "$MODEL" --batch 2 \
    --precision fp32 $SMALL --batch-dim no_such_dim
  has "--batch-dim: message" err "no input has a dim named 'no_such_dim'"

  # the ONNX Runtime peer on the same file, beside octet's report
  ORT_PY=$(dirname "$0")/../tools/scripts/bench-ort.py
  if [ -n "$PY" ] && "$PY" -c 'import onnxruntime' 2>/dev/null; then
    expect "bench-ort on the file" 0 "$PY" "$ORT_PY" "$MODEL" --batch 2,3 --seq 4 \
      --threads 1 --runs 1 --min-seconds 0 --octet-json "$tmp/file.json" --json "$tmp/ort.json"
    has "bench-ort: table with the ratio column" out '^\| fp32 \| 3 \| [0-9.e-]+ .*\| fp32 \| [0-9.e-]+ \| \*\*[0-9.]+×\*\* \|$'
    py "bench-ort: JSON rows" '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert [(x["precision"], x["batch"]) for x in r] == [("fp32", 2), ("int8", 2), ("fp32", 3), ("int8", 3)], r
assert all(x["median_ms"] > 0 and x["runs"] >= 1 for x in r), r
assert abs(r[0]["cosine_vs_fp32"] - 1) < 1e-9 and 0.9 < r[1]["cosine_vs_fp32"] < 1 + 1e-9, r
assert r[0]["octet_median_ms"] > 0 and r[1]["octet_precision"] == "w8a8", r
print("ok")
' "$tmp/ort.json"
    expect "bench-ort: unknown precision" 2 "$PY" "$ORT_PY" "$MODEL" --precision fp64
    has "bench-ort: message" err 'unknown precision'
  else
    echo "skip - bench-ort (no python3 with onnxruntime)"
  fi
fi

# ---- warnings -------------------------------------------------------------------

# (a cross build under an emulator is not x86 whatever the host is)
case $(if [ -n "${MESON_EXE_WRAPPER:-}" ]; then echo emulated; else uname -m; fi) in
  x86_64 | amd64)
    if grep -q avx2 /proc/cpuinfo 2>/dev/null; then
      expect "OCTET_ISA=avx2 bench w8a8" 0 env OCTET_ISA=avx2 "$OCTET" bench --model mlp \
        --batch 1 --precision fp32,w8a8 $SMALL --json "$tmp/avx2.json"
      has "int8 warning at avx2" err '^octet: warning: int8 cannot pay off at ISA level avx2'
      has "machine block shows the forced level" out 'ISA level avx2'
      py "int8 warning in the JSON" '
import json, sys
m = json.load(open(sys.argv[1]))["machine"]
assert m["isa"] == "avx2", m["isa"]
assert any("int8 cannot pay off" in w for w in m["warnings"]), m["warnings"]
print("ok")
' "$tmp/avx2.json"
    else
      echo "skip - int8 warning (no AVX2)"
    fi
    if grep -Eq 'avx512_vnni|avx_vnni' /proc/cpuinfo 2>/dev/null; then
      expect "bench w8a8 at the CPU's own level" 0 env -u OCTET_ISA "$OCTET" bench \
        --model mlp --batch 1 --precision fp32,w8a8 $SMALL
      lacks "no int8 warning with VNNI" err 'int8 cannot pay off'
    fi
    expect "bench fp16 on x86" 0 "$OCTET" bench --model mlp --batch 1 \
      --precision fp32,fp16 $SMALL
    has "fp16 conversion warning on x86" err '^octet: warning: fp16 runs through fp32 conversion'
    ;;
  *)
    echo "skip - x86 warnings (not x86)"
    ;;
esac

# Under an emulator the report says so (machine block and JSON).
if [ -n "${MESON_EXE_WRAPPER:-}" ]; then
  expect "emulated bench" 0 "$OCTET" bench --model mlp --batch 1 --precision w8a8 $SMALL \
    --json "$tmp/emu.json"
  has "machine block says emulated" out '^ *emulated  qemu-user'
  py "JSON machine.emulated is qemu-user" '
import json, sys
m = json.load(open(sys.argv[1]))["machine"]
print("ok" if m["emulated"] == "qemu-user" and "emulated" in m["cpu"] else m)
' "$tmp/emu.json"
fi

summary
