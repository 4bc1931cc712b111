#!/usr/bin/env python3
"""Writes small ONNX seed models for the fuzz target (tests/fuzz/fuzz-model.c).

usage: tools/scripts/fuzz-seeds.py OUTDIR

The end-to-end test models of tools/scripts/make_test_models.py (the BERT-style
encoder and the MLP), built with the same graph code at toy sizes so that
each is a few KiB with inline weights; a variant of the encoder whose weights
are external data in ext.bin (the file the fuzz target provides); and a few
single-op graphs for ops the other seeds lack. Needs numpy and onnx.
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_test_models as mtm  # noqa: E402


def tiny_encoder(layers):
    mtm.VOCAB, mtm.HIDDEN, mtm.HEADS, mtm.HEAD_DIM = 16, 8, 2, 4
    mtm.FFN, mtm.LAYERS, mtm.MAX_POS = 16, layers, 8
    model, _ = mtm.build_encoder()
    return model


def tiny_mlp():
    g, inputs, outputs = mtm.mlp_graph(np.random.default_rng(7), (8, 16, 12, 8), gelu_last=True)
    return g.model("mlp", inputs, outputs, 20)


def single_op(op, inputs, inits, out_dtype=TensorProto.FLOAT, opset=17, **attrs):
    """One node; `inputs` are (name, dtype, shape), `inits` numpy arrays."""
    names = [n for n, _, _ in inputs] + [f"c{i}" for i in range(len(inits))]
    node = helper.make_node(op, names, ["y"], name=op.lower(), **attrs)
    graph = helper.make_graph(
        [node], op.lower(),
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info("y", out_dtype, None)],
        [numpy_helper.from_array(a, f"c{i}") for i, a in enumerate(inits)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: fuzz-seeds.py OUTDIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    f = TensorProto.FLOAT
    seeds = {
        "encoder-1layer": tiny_encoder(1),
        "encoder-2layers": tiny_encoder(2),
        "mlp": tiny_mlp(),
        "gemm": single_op("Gemm", [("a", f, ["batch", 4])],
                          [np.ones((3, 4), np.float32), np.ones(3, np.float32)],
                          transB=1, alpha=0.5, beta=2.0),
        "layernorm": single_op("LayerNormalization", [("x", f, ["batch", 3, 4])],
                               [np.ones(4, np.float32), np.zeros(4, np.float32)],
                               axis=-1, epsilon=1e-5),
        "split": single_op("Split", [("x", f, ["batch", 6])],
                           [np.array([2, 4], np.int64)], axis=1),
        "range": single_op("Range", [], [np.array(0, np.int64), np.array(5, np.int64),
                                          np.array(2, np.int64)], TensorProto.INT64),
        "constantofshape": single_op("ConstantOfShape", [],
                                     [np.array([2, 3], np.int64)],
                                     value=numpy_helper.from_array(np.array([1.5], np.float32))),
        "where": single_op("Where", [("c", TensorProto.BOOL, ["batch", 3]),
                                     ("a", f, ["batch", 3])], [np.zeros(3, np.float32)]),
        "cast-f16": single_op("Cast", [("x", f, ["batch", 5])], [],
                              TensorProto.FLOAT16, to=TensorProto.FLOAT16),
        "reducesum": single_op("ReduceSum", [("x", f, ["batch", 3, 4])],
                               [np.array([1], np.int64)], keepdims=0),
        "squeeze": single_op("Squeeze", [("x", f, ["batch", 1, 4])],
                             [np.array([1], np.int64)]),
        "flatten": single_op("Flatten", [("x", f, ["batch", 2, 3])], [], axis=1),
        "expand": single_op("Expand", [("x", f, ["batch", 1])],
                            [np.array([2, 3], np.int64)]),
        "equal": single_op("Equal", [("a", TensorProto.INT64, ["batch", 3])],
                           [np.array([1, 0, 1], np.int64)], TensorProto.BOOL),
    }
    for name, model in seeds.items():
        onnx.save_model(model, str(out / f"{name}.onnx"))
    # The encoder with its weights in ext.bin: the fuzz target writes that
    # file (4096 bytes) next to the model; offsets are laid out here.
    model = tiny_encoder(1)
    offset = 0
    for t in model.graph.initializer:
        if t.data_type != TensorProto.FLOAT or len(t.dims) == 0:
            continue
        raw = numpy_helper.to_array(t).tobytes()
        if offset + len(raw) > 4096:
            break
        t.ClearField("float_data")
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", "ext.bin"), ("offset", str(offset)),
                     ("length", str(len(raw)))):
            e = t.external_data.add()
            e.key, e.value = k, v
        offset += len(raw)
    with open(out / "encoder-external.onnx", "wb") as fh:
        fh.write(model.SerializeToString())
    for p in sorted(out.glob("*.onnx")):
        print(f"{p.name}: {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
