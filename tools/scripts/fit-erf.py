#!/usr/bin/env python3
"""Fit the coefficient table of vm_erf (src/core/vmath.h) and print it as C.

erf(|x|) on [0, 4] is 16 pieces of width 1/4, each a degree-5 polynomial in
t = |x| - centre, evaluated by Horner with fused multiply-adds. Each piece is
fitted near-minimax (Lawson's iteratively reweighted least squares on 400
Chebyshev nodes), rounding the coefficients to float32 from the highest
degree down and refitting the lower ones after each rounding. Piece 0 has
centre 0, c0 = 0 and c1 = float(2/sqrt(pi)) and is fitted for relative
error, so tiny x keep their relative accuracy. The last piece leans by at
most 1e-8 towards 1 so that erf(4), whose true value 1 - 1.5e-8 rounds to
1.0, gives 1.0 (every |x| >= 4 evaluates there).

Prints the maximum absolute error found on a dense sample (stderr) and the
table (stdout). Needs numpy. Usage: python3 tools/scripts/fit-erf.py
"""
import math
import sys

import numpy as np

PIECES, WIDTH, DEG, LEAN = 16, 0.25, 5, 1e-8
f32 = np.float32


def cheb(lo, hi, n):
    k = np.arange(n)
    return (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)


def lawson(v, y, w0, iters=60):
    w = np.ones(len(y))
    for _ in range(iters):
        sw = np.sqrt(w) * w0
        c = np.linalg.lstsq(v * sw[:, None], y * sw, rcond=None)[0]
        e = np.abs(v @ c - y) * w0
        w = w * e
        w /= w.sum()
    return c


def fit_piece(i):
    lo, hi = i * WIDTH, (i + 1) * WIDTH
    centre = 0.0 if i == 0 else lo + WIDTH / 2
    x = cheb(lo, hi, 400)
    t = x - centre
    y = np.array([math.erf(v) for v in x])
    coef = [None] * (DEG + 1)
    if i == 0:
        coef[0], coef[1] = 0.0, float(f32(2 / math.sqrt(math.pi)))
        w0 = 1 / y
    else:
        w0 = np.ones_like(y)
    if i == PIECES - 1:
        y = y + LEAN * (x - lo) / WIDTH
    for k in range(DEG, -1, -1):
        if coef[k] is not None:
            continue
        free = [j for j in range(DEG + 1) if coef[j] is None]
        r = y - sum(coef[j] * t**j for j in range(DEG + 1) if coef[j] is not None)
        c = lawson(np.stack([t**j for j in free], 1), r, w0)
        coef[k] = float(f32(c[free.index(k)]))
    return float(centre), coef


def evaluate(tab, x):
    """vm_erf on |x|, with fmaf emulated in double (exact product)."""
    a = f32(abs(f32(x)))
    i = int(f32(min(a, f32(3.9999998))) * f32(4.0))
    centre, c = tab[i]
    t = f32(min(f32(4.0), a) - f32(centre))
    p = f32(c[DEG])
    for k in range(DEG - 1, -1, -1):
        p = f32(float(p) * float(t) + float(f32(c[k])))
    return p


def main():
    tab = [fit_piece(i) for i in range(PIECES)]
    xs = np.concatenate([np.linspace(0, 4.5, 200001, dtype=np.float32),
                         (2.0 ** np.linspace(-40, 2, 20001)).astype(np.float32)])
    worst = max(abs(float(evaluate(tab, x)) - math.erf(float(x))) for x in xs)
    print("max abs error %.3g; erf(4) = %r" % (worst, float(evaluate(tab, 4.0))),
          file=sys.stderr)
    print("/* Row 0: centres; rows 1..%d: c0..c%d. */" % (DEG + 1, DEG))
    print("static const float vm_erf_tab[%d][VM_ERF_PIECES] = {" % (DEG + 2))
    rows = [[c for c, _ in tab]] + [[p[1][k] for p in tab] for k in range(DEG + 1)]
    for row in rows:
        cells = ["%.9ef" % v for v in row]
        print("    {" + ", ".join(cells[:4]) + ",")
        for j in range(4, PIECES, 4):
            end = "}," if j + 4 >= PIECES else ","
            print("     " + ", ".join(cells[j:j + 4]) + end)
    print("};")


if __name__ == "__main__":
    main()
