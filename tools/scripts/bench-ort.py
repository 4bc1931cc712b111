#!/usr/bin/env python3
"""ONNX Runtime on the same model, batches and threads as `octet bench`.

The peer octet answers on a CPU box. Runs MODEL through onnxruntime's CPU
execution provider at fp32 and at int8 (onnxruntime.quantization's dynamic
quantization: int8 weights per output channel, activations quantized to u8
at run time per tensor -- the nearest thing ORT has to octet's w8a8), each
batch timed like `octet bench` (one warm-up run, then at least --runs runs
and --min-seconds; median and min), and prints a markdown table. With
--octet-json (the file of `octet bench MODEL --json FILE` run with the same
batches and threads) it adds octet's medians and the speed ratios
ORT / octet (> 1: octet is faster).

fp16 is not run: ORT's CPU provider has no fp16 kernels for most of this
graph's ops and inserts casts around them (and its converter package,
onnxconverter-common, is not a dependency of octet).

Inputs follow octet bench's convention: integer inputs uniform in
--int-range (default 0,30522), inputs named *mask* all ones, *token_type*
all zeros, float inputs standard normal; symbolic dims other than the
batch (the first dim of the first input) take --seq.

usage: tools/scripts/bench-ort.py MODEL.onnx [--batch 128,256,512,1024] [--seq 32]
           [--threads 2] [--precision fp32,int8] [--runs 5]
           [--min-seconds 1] [--octet-json FILE] [--md FILE] [--json FILE]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("--batch", default="128,256,512,1024")
    p.add_argument("--seq", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--precision", default="fp32,int8")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--min-seconds", type=float, default=1.0)
    p.add_argument("--int-range", default="0,30522")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--octet-json", help="octet bench --json output to compare with")
    p.add_argument("--md", help="also write the table to this file")
    p.add_argument("--json", help="write the results as JSON")
    a = p.parse_args()
    a.batches = [int(b) for b in a.batch.split(",") if b]
    a.precisions = [x for x in a.precision.split(",") if x]
    for x in a.precisions:
        if x not in ("fp32", "int8"):
            p.error(f"unknown precision {x!r} (fp32 or int8)")
    if not a.batches or min(a.batches) <= 0 or a.threads <= 0 or a.runs <= 0:
        p.error("batches, threads and runs must be positive")
    lo, hi = (int(v) for v in a.int_range.split(","))
    if hi <= lo:
        p.error("--int-range LO,HI needs LO < HI")
    a.int_lo, a.int_hi = lo, hi
    return a


NP_TYPES = {
    "tensor(float)": np.float32, "tensor(float16)": np.float16,
    "tensor(double)": np.float64, "tensor(int64)": np.int64,
    "tensor(int32)": np.int32, "tensor(bool)": np.bool_,
}


def make_inputs(sess, batch, args, rng):
    feeds = {}
    for i, inp in enumerate(sess.get_inputs()):
        shape = []
        for d, dim in enumerate(inp.shape):
            if isinstance(dim, int) and dim > 0:
                shape.append(dim)
            elif d == 0:
                shape.append(batch)
            else:
                shape.append(args.seq)
        dtype = NP_TYPES.get(inp.type)
        if dtype is None:
            sys.exit(f"bench-ort: input {inp.name} has type {inp.type}, not supported")
        name = inp.name.lower()
        if "mask" in name:
            x = np.ones(shape, dtype)
        elif "token_type" in name:
            x = np.zeros(shape, dtype)
        elif np.issubdtype(dtype, np.integer):
            x = rng.integers(args.int_lo, args.int_hi, size=shape).astype(dtype)
        else:
            x = rng.standard_normal(shape).astype(dtype)
        feeds[inp.name] = x
    return feeds


def session(path, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def time_runs(sess, feeds, runs, min_seconds):
    sess.run(None, feeds)  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        out = sess.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times), len(times), out[0]


def cosine(a, b):
    a = a.astype(np.float64).ravel()
    b = b.astype(np.float64).ravel()
    den = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / den) if den > 0 else float("nan")


def quantize(model, tmp):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    out = os.path.join(tmp, "int8.onnx")
    quantize_dynamic(model, out, weight_type=QuantType.QInt8, per_channel=True,
                     use_external_data_format=True)
    return out


def ms(v):
    """A time in ms with at least 3 significant digits."""
    return f"{v:.1f}" if v >= 100 else f"{v:.3g}"


def octet_medians(path):
    """(precision, batch) -> median ms of octet's default backend."""
    with open(path) as f:
        report = json.load(f)
    med = {}
    for r in report.get("results", []):
        if r.get("error") is None and r.get("median_ms"):
            med[(r["precision"], r["batch"], r["threads"])] = r["median_ms"]
    return med, report.get("machine", {})


def main():
    args = parse_args()
    model_name = os.path.splitext(os.path.basename(args.model))[0]
    onnx.checker.check_model(args.model)  # fails early on a bad file
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"fp32": args.model}
        if "int8" in args.precisions:
            t0 = time.perf_counter()
            paths["int8"] = quantize(args.model, tmp)
            print(f"bench-ort: quantize_dynamic took {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr)
        sessions = {p: session(paths[p], args.threads)
                    for p in ["fp32"] + [p for p in args.precisions if p != "fp32"]}
        for batch in args.batches:
            rng = np.random.default_rng(args.seed)
            feeds = make_inputs(sessions["fp32"], batch, args, rng)
            ref = None
            for prec in ["fp32"] + [p for p in args.precisions if p != "fp32"]:
                med, best, n, out = time_runs(sessions[prec], feeds, args.runs,
                                              args.min_seconds)
                if prec == "fp32":
                    ref = out
                if prec in args.precisions:
                    rows.append({
                        "model": model_name, "engine": f"onnxruntime {ort.__version__}",
                        "precision": prec, "threads": args.threads, "batch": batch,
                        "median_ms": med, "min_ms": best, "runs": n,
                        "items_per_s": batch / med * 1e3,
                        "cosine_vs_fp32": cosine(out, ref),
                    })
                print(f"bench-ort: {prec} batch {batch}: median {med:.1f} ms ({n} runs)",
                      file=sys.stderr)

    octet, machine = ({}, {})
    if args.octet_json:
        octet, machine = octet_medians(args.octet_json)
    octet_of = {"fp32": "fp32", "int8": "w8a8"}
    lines = [
        f"ONNX Runtime {ort.__version__} (CPUExecutionProvider, graph optimisation all,"
        f" {args.threads} intra-op threads) on {model_name}, seq {args.seq}",
        "",
    ]
    head = "| precision | batch | ORT median ms | ORT min ms | items/s | cosine vs ORT fp32 |"
    rule = "|---|---|---|---|---|---|"
    if octet:
        head += " octet precision | octet median ms | ORT / octet |"
        rule += "---|---|---|"
    lines += [head, rule]
    for r in rows:
        line = (f"| {r['precision']} | {r['batch']} | {ms(r['median_ms'])} | {ms(r['min_ms'])} |"
                f" {r['items_per_s']:.0f} | {r['cosine_vs_fp32']:.6f} |")
        if octet:
            op = octet_of[r["precision"]]
            o = octet.get((op, r["batch"], r["threads"]))
            line += (f" {op} | {ms(o)} | **{r['median_ms'] / o:.2f}×** |" if o
                     else f" {op} | - | - |")
            r["octet_precision"], r["octet_median_ms"] = op, o
        lines.append(line)
    if octet and ("fp16", args.batches[0], args.threads) in octet:
        lines += ["", "octet fp16 (fp16 weights and activations, fp32 accumulation) against ORT fp32:",
                  "", "| batch | octet fp16 ms | ORT fp32 ms | ORT fp32 / octet fp16 |", "|---|---|---|---|"]
        for r in rows:
            o = octet.get(("fp16", r["batch"], r["threads"]))
            if r["precision"] == "fp32" and o:
                lines.append(f"| {r['batch']} | {ms(o)} | {ms(r['median_ms'])} |"
                             f" {r['median_ms'] / o:.2f}× |")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.md:
        with open(args.md, "w") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"format": "octet-bench-ort-1", "octet_machine": machine,
                       "results": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
