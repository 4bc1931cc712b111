#!/usr/bin/env python3
"""Exports the small PyTorch test model to tests/data/torch_tiny.onnx.

usage: tools/scripts/export_torch_model.py [OUT.onnx]

A 2-layer pre-LN transformer encoder (d_model 64, 4 heads, FFN 256, erf GELU)
written with nn.Linear / nn.LayerNorm / F.gelu / softmax attention, plus a
classifier head (mean over the sequence, LayerNorm, Linear 64->10).
Input "x" float32 [batch, seq, 64]; outputs "logits" [batch, 10] and
"hidden" [batch, seq, 64]. Exported with the legacy TorchScript exporter
(dynamo=False), opset 17, dynamic batch and seq axes, so the graph carries
the Shape/Gather/Unsqueeze/Concat/Reshape chains torch emits for view().

The script checks that the graph uses only the ops octet's end-to-end tests
allow, and that ONNX Runtime reproduces torch's outputs. Needs torch, onnx,
onnxruntime and numpy; seeded, so reruns give the same weights (the bytes of
the file may still vary with the torch version).
"""

import sys
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

D_MODEL = 64
HEADS = 4
FFN = 256
LAYERS = 2
CLASSES = 10
SEQ = 16
OPSET = 17

ALLOWED_OPS = {
    "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh",
    "Relu", "Gelu", "Sigmoid", "Softmax", "LayerNormalization", "ReduceMean",
    "ReduceSum", "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
    "Concat", "Split", "Slice", "Gather", "Shape", "Cast", "Constant",
    "ConstantOfShape", "Where", "Equal", "Expand", "Identity", "Range",
}


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.out = nn.Linear(D_MODEL, D_MODEL)
        self.head_dim = D_MODEL // HEADS
        self.scale = self.head_dim ** -0.5

    def forward(self, x):
        b, s = x.shape[0], x.shape[1]
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(b, s, HEADS, self.head_dim).transpose(1, 2)
        k = k.view(b, s, HEADS, self.head_dim).transpose(1, 2)
        v = v.view(b, s, HEADS, self.head_dim).transpose(1, 2)
        att = torch.softmax((q @ k.transpose(-2, -1)) * self.scale, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, s, D_MODEL)
        return self.out(y)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.attn = Attention()
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.fc1 = nn.Linear(D_MODEL, FFN)
        self.fc2 = nn.Linear(FFN, D_MODEL)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TinyClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, CLASSES)

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        logits = self.head(self.ln(x.mean(dim=1)))
        return logits, x


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parents[2] / "tests" / "data" / "torch_tiny.onnx")
    torch.manual_seed(1234)
    model = TinyClassifier().eval()
    with torch.no_grad():  # LayerNorm starts as the identity: make it not so
        for m in model.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.add_(0.1 * torch.randn_like(m.weight))
                m.bias.add_(0.1 * torch.randn_like(m.bias))
    x = torch.randn(2, SEQ, D_MODEL)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, (x,), str(out), dynamo=False, opset_version=OPSET,
        input_names=["x"], output_names=["logits", "hidden"],
        dynamic_axes={"x": {0: "batch", 1: "seq"}, "logits": {0: "batch"},
                      "hidden": {0: "batch", 1: "seq"}})

    m = onnx.load(str(out))
    onnx.checker.check_model(m)
    hist = {}
    for node in m.graph.node:
        hist[node.op_type] = hist.get(node.op_type, 0) + 1
    bad = sorted(set(hist) - ALLOWED_OPS)
    if bad:
        raise SystemExit(f"{out}: ops outside the allowed list: {bad}")
    print(f"{out}: {out.stat().st_size} bytes, torch {torch.__version__}, "
          f"opset {m.opset_import[0].version}")
    print("ops:", dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0]))))

    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(str(out), opts, providers=["CPUExecutionProvider"])
    for batch, seq in ((1, SEQ), (7, SEQ), (3, 5)):
        xt = torch.randn(batch, seq, D_MODEL)
        with torch.no_grad():
            want = [t.numpy() for t in model(xt)]
        got = sess.run(["logits", "hidden"], {"x": xt.numpy()})
        for name, a, b in zip(("logits", "hidden"), got, want):
            err = np.abs(a - b).max() / np.abs(b).max()
            print(f"  ORT vs torch b{batch} s{seq} {name}: maxrel={err:.3g}")
            if a.shape != b.shape or not err < 1e-5:
                raise SystemExit("ONNX Runtime disagrees with torch")


if __name__ == "__main__":
    main()
