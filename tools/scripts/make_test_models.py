#!/usr/bin/env python3
"""Builds the end-to-end test models and their ONNX Runtime reference outputs.

usage: tools/scripts/make_test_models.py OUTDIR

Writes into OUTDIR:
  mlp.onnx                      4-layer MLP 1024-4096-3072-3072-1024 (opset 20)
  encoder.onnx (+ .onnx.data)   BERT-style encoder shaped like all-MiniLM-L6-v2
                                (opset 17, weights as external data)
  torch_tiny.onnx               copied from tests/data (exported from PyTorch
                                by tools/scripts/export_torch_model.py)
  <model>/b<batch>/in_<input>.npy   inputs, for batch 1, 7 and 64
  <model>/b<batch>/out_<output>.npy ONNX Runtime outputs (CPU EP, graph
                                    optimizations disabled)
  manifest.txt                  one line per case: "<model> <batch> <path>",
                                path relative to OUTDIR
  stamp.txt                     hash of this script and the copied models;
                                when it matches, nothing is redone

Everything is deterministic (numpy default_rng with fixed seeds). Only the
small torch model is kept in git; the generated models stay out of it.
"""

import hashlib
import math
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BATCHES = (1, 7, 64)
ENCODER_SEQ = 32
TORCH_SEQ = 16
VOCAB = 30522
HIDDEN = 384
HEADS = 12
HEAD_DIM = HIDDEN // HEADS
FFN = 1536
LAYERS = 6
MAX_POS = 512

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parent.parent / "tests" / "data"
# The PyTorch-exported model; the second name is the fallback that
# export_torch_model.py writes when torch is not available.
TORCH_MODELS = ("torch_tiny", "torch_like_tiny")


class Graph:
    """A small helper to build ONNX graphs with unique names."""

    def __init__(self):
        self.nodes = []
        self.inits = []
        self.count = {}
        self.params = {}  # base name -> array, for the numpy reference

    def name(self, base):
        n = self.count.get(base, 0)
        self.count[base] = n + 1
        return f"{base}_{n}"

    def init(self, base, array):
        name = self.name(base)
        self.params.setdefault(base, array)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def const(self, base, array):
        """A Constant node (as torch exports emit) rather than an initializer."""
        out = self.name(base)
        self.nodes.append(helper.make_node(
            "Constant", [], [out], name=self.name("Constant"),
            value=numpy_helper.from_array(np.asarray(array), out + "_value")))
        return out

    def op(self, op_type, inputs, n_out=1, out=None, **attrs):
        outs = [out] if out else [self.name(op_type.lower() + "_out")
                                  for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, list(inputs), outs,
                                           name=self.name(op_type), **attrs))
        return outs[0] if n_out == 1 else outs

    def model(self, name, inputs, outputs, opset, **fields):
        """The graph as a model of the default domain's `opset`; inputs and
        outputs are value infos, `fields` other ModelProto fields."""
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], **fields)


def normal(rng, shape, std):
    return (rng.standard_normal(shape, dtype=np.float32) * np.float32(std))


def linear(g, rng, x, fan_in, fan_out, base):
    w = g.init(base + ".weight", normal(rng, (fan_in, fan_out), 1.0 / math.sqrt(fan_in)))
    b = g.init(base + ".bias", normal(rng, (fan_out,), 0.02))
    return g.op("Add", [g.op("MatMul", [x, w]), b])


def gelu_erf_decomposed(g, x, sqrt2, one, half):
    """x * 0.5 * (1 + erf(x / sqrt(2))), in the order torch exports it."""
    e = g.op("Erf", [g.op("Div", [x, sqrt2])])
    return g.op("Mul", [g.op("Mul", [x, g.op("Add", [e, one])]), half])


# ---------------------------------------------------------------- mlp ----

def mlp_graph(rng, dims, gelu_last=False):
    """Linear layers dims[0] -> ... -> dims[-1] from "x" to "y": the
    erf-GELU decomposed as torch exports it after the first, the Gelu op
    (opset 20) after the others but the last (that one too with gelu_last).
    Returns the Graph and the model's inputs and outputs."""
    g = Graph()
    sqrt2 = g.init("sqrt2", np.array(math.sqrt(2.0), np.float32))
    one = g.init("one", np.array(1.0, np.float32))
    half = g.init("half", np.array(0.5, np.float32))
    h = "x"
    n = len(dims) - 1
    for i in range(n):
        h = linear(g, rng, h, dims[i], dims[i + 1], f"fc{i}")
        if i == 0:
            h = gelu_erf_decomposed(g, h, sqrt2, one, half)
        elif i < n - 1 or gelu_last:
            h = g.op("Gelu", [h])  # opset 20, approximate="none"
    g.nodes[-1].output[0] = "y"
    return (g, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", dims[0]])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", dims[-1]])])


def build_mlp():
    g, inputs, outputs = mlp_graph(np.random.default_rng(1001), (1024, 4096, 3072, 3072, 1024))
    model = g.model("mlp", inputs, outputs, 20, producer_name="octet-make_test_models",
                    ir_version=9)
    onnx.checker.check_model(model)
    return model, g.params


# ------------------------------------------------------------ encoder ----

def dim_of(g, shape, index):
    """Shape -> Gather(index) -> Unsqueeze: a 1-D int64 [1] of one dim."""
    d = g.op("Gather", [shape, g.const("idx", np.array(index, np.int64))], axis=0)
    return g.op("Unsqueeze", [d, g.const("axes", np.array([0], np.int64))])


def layer_norm_decomposed(g, rng, x, eps, base):
    gamma = g.init(base + ".weight", 1.0 + normal(rng, (HIDDEN,), 0.1))
    beta = g.init(base + ".bias", normal(rng, (HIDDEN,), 0.1))
    mean = g.op("ReduceMean", [x], axes=[-1], keepdims=1)
    d = g.op("Sub", [x, mean])
    var = g.op("ReduceMean", [g.op("Pow", [d, g.const("two", np.array(2.0, np.float32))])],
               axes=[-1], keepdims=1)
    std = g.op("Sqrt", [g.op("Add", [var, g.const("eps", np.array(eps, np.float32))])])
    return g.op("Add", [g.op("Mul", [g.op("Div", [d, std]), gamma]), beta])


def layer_norm(g, rng, x, eps, base):
    gamma = g.init(base + ".weight", 1.0 + normal(rng, (HIDDEN,), 0.1))
    beta = g.init(base + ".bias", normal(rng, (HIDDEN,), 0.1))
    return g.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=eps)


def encoder_layer(g, rng, x, mask_add, layer, consts):
    sqrt2, one, half = consts
    shape = g.op("Shape", [x])
    b = dim_of(g, shape, 0)
    s = dim_of(g, shape, 1)
    heads_shape = g.op("Concat", [b, s, g.const("heads", np.array([HEADS], np.int64)),
                                  g.const("head_dim", np.array([HEAD_DIM], np.int64))], axis=0)
    pre = f"layer{layer}.attention"
    q = linear(g, rng, x, HIDDEN, HIDDEN, pre + ".query")
    k = linear(g, rng, x, HIDDEN, HIDDEN, pre + ".key")
    v = linear(g, rng, x, HIDDEN, HIDDEN, pre + ".value")
    q = g.op("Transpose", [g.op("Reshape", [q, heads_shape])], perm=[0, 2, 1, 3])
    k = g.op("Transpose", [g.op("Reshape", [k, heads_shape])], perm=[0, 2, 1, 3])
    k = g.op("Transpose", [k], perm=[0, 1, 3, 2])
    v = g.op("Transpose", [g.op("Reshape", [v, heads_shape])], perm=[0, 2, 1, 3])
    scores = g.op("MatMul", [q, k])
    if layer % 2 == 0:
        scores = g.op("Div", [scores, g.const("scale", np.array(math.sqrt(HEAD_DIM), np.float32))])
    else:
        scores = g.op("Mul", [scores, g.const("scale", np.array(1.0 / math.sqrt(HEAD_DIM), np.float32))])
    probs = g.op("Softmax", [g.op("Add", [scores, mask_add])], axis=-1)
    ctx = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
    # The merged shape is computed from ctx, as torch does for view(B, S, -1).
    cshape = g.op("Shape", [ctx])
    merged = g.op("Concat", [dim_of(g, cshape, 0), dim_of(g, cshape, 1),
                             g.const("hidden", np.array([HIDDEN], np.int64))], axis=0)
    ctx = g.op("Reshape", [ctx, merged])
    attn = linear(g, rng, ctx, HIDDEN, HIDDEN, pre + ".output")
    x = layer_norm(g, rng, g.op("Add", [attn, x]), 1e-12, pre + ".LayerNorm")
    h = linear(g, rng, x, HIDDEN, FFN, f"layer{layer}.intermediate")
    h = gelu_erf_decomposed(g, h, sqrt2, one, half)
    h = linear(g, rng, h, FFN, HIDDEN, f"layer{layer}.output")
    return layer_norm(g, rng, g.op("Add", [h, x]), 1e-12, f"layer{layer}.output.LayerNorm")


def build_encoder():
    rng = np.random.default_rng(2002)
    g = Graph()
    word = g.init("embeddings.word_embeddings.weight", normal(rng, (VOCAB, HIDDEN), 0.05))
    pos = g.init("embeddings.position_embeddings.weight", normal(rng, (MAX_POS, HIDDEN), 0.05))
    ttype = g.init("embeddings.token_type_embeddings.weight", normal(rng, (2, HIDDEN), 0.05))
    pos_ids = g.init("embeddings.position_ids", np.arange(MAX_POS, dtype=np.int64)[None, :])
    tt_ids = g.init("embeddings.token_type_ids", np.zeros((1, MAX_POS), np.int64))

    ids_shape = g.op("Shape", ["input_ids"])
    seq = dim_of(g, ids_shape, 1)
    zero = g.const("start", np.array([0], np.int64))
    axis1 = g.const("axis", np.array([1], np.int64))
    step = g.const("step", np.array([1], np.int64))
    # position_ids[:, :seq] and token_type_ids[:, :seq].expand(B, S), as
    # transformers' BERT exports them.
    pids = g.op("Slice", [pos_ids, zero, seq, axis1, step])
    tids = g.op("Expand", [g.op("Slice", [tt_ids, zero, seq, axis1, step]), ids_shape])
    emb = g.op("Add", [g.op("Gather", [word, "input_ids"], axis=0),
                       g.op("Gather", [ttype, tids], axis=0)])
    emb = g.op("Add", [emb, g.op("Gather", [pos, pids], axis=0)])
    x = layer_norm_decomposed(g, rng, emb, 1e-12, "embeddings.LayerNorm")

    # Additive mask: (1 - mask[:, None, None, :]) * -10000.
    m = g.op("Unsqueeze", ["attention_mask", g.const("axes", np.array([1, 2], np.int64))])
    m = g.op("Cast", [m], to=TensorProto.FLOAT)
    m = g.op("Sub", [g.const("one", np.array(1.0, np.float32)), m])
    mask_add = g.op("Mul", [m, g.const("neg", np.array(-10000.0, np.float32))])

    consts = (g.init("sqrt2", np.array(math.sqrt(2.0), np.float32)),
              g.init("one", np.array(1.0, np.float32)),
              g.init("half", np.array(0.5, np.float32)))
    for layer in range(LAYERS):
        x = encoder_layer(g, rng, x, mask_add, layer, consts)
    g.nodes[-1].output[0] = "last_hidden_state"

    model = g.model(
        "encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                       ["batch", "seq", HIDDEN])],
        17, producer_name="octet-make_test_models", ir_version=8)
    onnx.checker.check_model(model)
    return model, g.params


# ------------------------------------------------- numpy references ----
# Independent float64 implementations of mlp and encoder, checked against
# ONNX Runtime so a wrong graph (a bad perm, a mask on the wrong axis) is
# caught here rather than being baked into the expected outputs.

_erf = np.vectorize(math.erf, otypes=[np.float64])


def np_gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def np_layer_norm(x, p, base, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * p[base + ".weight"] + p[base + ".bias"]


def np_linear(x, p, base):
    return x @ p[base + ".weight"].astype(np.float64) + p[base + ".bias"]


def np_mlp(p, feeds):
    h = feeds["x"].astype(np.float64)
    for i in range(4):
        h = np_linear(h, p, f"fc{i}")
        if i < 3:
            h = np_gelu(h)
    return h


def np_encoder(p, feeds):
    ids, mask = feeds["input_ids"], feeds["attention_mask"]
    b, s = ids.shape
    x = (p["embeddings.word_embeddings.weight"][ids].astype(np.float64)
         + p["embeddings.position_embeddings.weight"][:s][None]
         + p["embeddings.token_type_embeddings.weight"][0])
    x = np_layer_norm(x, p, "embeddings.LayerNorm")
    madd = ((1.0 - mask) * -10000.0)[:, None, None, :]
    for l in range(LAYERS):
        pre = f"layer{l}.attention"
        def heads(t):
            return t.reshape(b, s, HEADS, HEAD_DIM).transpose(0, 2, 1, 3)
        q = heads(np_linear(x, p, pre + ".query"))
        k = heads(np_linear(x, p, pre + ".key"))
        v = heads(np_linear(x, p, pre + ".value"))
        sc = q @ k.transpose(0, 1, 3, 2) / math.sqrt(HEAD_DIM) + madd
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        sc /= sc.sum(-1, keepdims=True)
        ctx = (sc @ v).transpose(0, 2, 1, 3).reshape(b, s, HIDDEN)
        x = np_layer_norm(np_linear(ctx, p, pre + ".output") + x, p, pre + ".LayerNorm")
        h = np_linear(np_gelu(np_linear(x, p, f"layer{l}.intermediate")), p, f"layer{l}.output")
        x = np_layer_norm(h + x, p, f"layer{l}.output.LayerNorm")
    return x


# -------------------------------------------------------- test cases ----

def make_inputs(model_name, sess, batch):
    rng = np.random.default_rng(10_000 + batch)
    seq = ENCODER_SEQ if model_name == "encoder" else TORCH_SEQ
    feeds = {}
    for inp in sess.get_inputs():
        shape = []
        for d in inp.shape:
            if isinstance(d, int):
                shape.append(d)
            elif d == "batch" or (isinstance(d, str) and "batch" in d) or not shape:
                shape.append(batch)
            else:
                shape.append(seq)
        if inp.name == "input_ids":
            feeds[inp.name] = rng.integers(0, VOCAB, size=shape, dtype=np.int64)
        elif inp.name == "attention_mask":
            mask = np.ones(shape, np.int64)
            for r in range(shape[0]):
                if r % 3 == 1:  # some rows with trailing padding
                    mask[r, rng.integers(1, shape[1]):] = 0
            feeds[inp.name] = mask
        elif inp.type == "tensor(float)":
            feeds[inp.name] = rng.standard_normal(shape, dtype=np.float32)
        else:
            raise SystemExit(f"{model_name}: no input generator for {inp.name} {inp.type}")
    return feeds


def op_histogram(model):
    hist = {}
    for node in model.graph.node:
        hist[node.op_type] = hist.get(node.op_type, 0) + 1
    return dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0])))


def script_hash(extra_files):
    h = hashlib.sha256(Path(__file__).read_bytes())
    for f in extra_files:
        h.update(f.name.encode())
        h.update(Path(f).read_bytes())
    return h.hexdigest()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_test_models.py OUTDIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)

    torch_src = None
    for name in TORCH_MODELS:
        if (DATA_DIR / f"{name}.onnx").is_file():
            torch_src = DATA_DIR / f"{name}.onnx"
            break
    extra = [torch_src] if torch_src else []
    stamp = out / "stamp.txt"
    digest = script_hash(extra)
    if (stamp.is_file() and stamp.read_text().strip() == digest
            and (out / "manifest.txt").is_file()):
        print(f"{out}: up to date")
        return
    if stamp.exists():
        stamp.unlink()

    import onnxruntime as ort

    models = {}
    m, mlp_params = build_mlp()
    onnx.save_model(m, str(out / "mlp.onnx"))
    models["mlp"] = "mlp.onnx"
    e, enc_params = build_encoder()
    references = {"mlp": (np_mlp, mlp_params), "encoder": (np_encoder, enc_params)}
    data = out / "encoder.onnx.data"
    if data.exists():
        data.unlink()  # save_model appends to an existing data file
    onnx.save_model(e, str(out / "encoder.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="encoder.onnx.data",
                    size_threshold=1024)
    models["encoder"] = "encoder.onnx"
    if torch_src:
        shutil.copyfile(torch_src, out / torch_src.name)
        models[torch_src.stem] = torch_src.name
    else:
        print("warning: no torch model in tests/data; run tools/scripts/export_torch_model.py",
              file=sys.stderr)

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.intra_op_num_threads = 2
    lines = []
    for name, rel in models.items():
        path = out / rel
        hist = op_histogram(onnx.load(str(path), load_external_data=False))
        print(f"{name}: {path.stat().st_size} bytes, ops {hist}")
        sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        for batch in BATCHES:
            case = out / name / f"b{batch}"
            case.mkdir(parents=True, exist_ok=True)
            for f in case.glob("*.npy"):
                f.unlink()
            feeds = make_inputs(name, sess, batch)
            for k, v in feeds.items():
                np.save(case / f"in_{k}.npy", v)
            names = [o.name for o in sess.get_outputs()]
            results = sess.run(names, feeds)
            for k, v in zip(names, results):
                if not np.all(np.isfinite(v)):
                    raise SystemExit(f"{name} b{batch}: non-finite output {k}")
                np.save(case / f"out_{k}.npy", v)
                print(f"  b{batch}: {k} {list(v.shape)} max|y|={np.abs(v).max():.4g}")
            if name in references and batch == 7:
                fn, params = references[name]
                ref = fn(params, feeds)
                err = np.abs(results[0] - ref).max() / np.abs(ref).max()
                print(f"  b{batch}: numpy float64 reference maxrel={err:.3g}")
                if not err < 1e-4:
                    raise SystemExit(f"{name}: ORT disagrees with the numpy reference")
            lines.append(f"{name} {batch} {rel}\n")
    (out / "manifest.txt").write_text("".join(lines))
    stamp.write_text(digest + "\n")


if __name__ == "__main__":
    main()
