/* Portable fp32 math that every ISA reproduces bit for bit.
 *
 * The functions below are the definition of octet's float32 exp, erf, tanh,
 * sigmoid and gelu, and of the order of the row reductions in Softmax and
 * LayerNormalization. The reference kernels call them directly; the vector
 * kernels (backends/x86/vec-*) execute exactly the same sequence of IEEE
 * fp32 operations lane by lane, so ref, AVX2 and AVX-512 agree bit for bit.
 *
 * Rules that keep that promise:
 *  - only fp32 +, -, *, /, sqrt, min/max written as below, comparisons and
 *    exact bit manipulations; a fused multiply-add only where written as
 *    vm_fma (C's fmaf, rounded once, which every vector version writes as
 *    its FMA instruction) and never by contraction (build with
 *    -ffp-contract=off); no other libm function;
 *  - vm_min(a, b) is `a < b ? a : b` and vm_max(a, b) is `a > b ? a : b`:
 *    exactly MINPS/MAXPS(a, b), which return b when either is NaN, so the
 *    operand order is part of the algorithm;
 *  - outputs that combine several elements pass vm_canon_nan (NaN sign and
 *    payload are otherwise up to the compiler's operand order);
 *  - each line of a function maps to one vector instruction; change the
 *    scalar and every vector version together (the x86 tests compare them
 *    with memcmp).
 *
 * Accuracy against glibc (tests/x86/test-vec-ops.c): exp within 1 ulp
 * (relative 1.2e-7) on normal results and 0 below FLT_MIN; erf within
 * 6e-8 and tanh within 1.2e-7 absolute.
 *
 * Row reductions use 16 "virtual lanes": element i of a row goes to lane
 * i % 16, in order; the lanes are combined by the fixed tree of
 * vm_hsum16/vm_hmax16 (l with l+8, then l+4, then l+2, then l+1). */
#ifndef OCTET_VMATH_H
#define OCTET_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ---- bits and min/max ---------------------------------------------------- */

static inline uint32_t vm_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline float vm_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* a * b + c rounded once (VFMADD / FMLA). fmaf is exact in every C
 * library; compilers inline it as the instruction where the target has it. */
static inline float vm_fma(float a, float b, float c) { return fmaf(a, b, c); }

/* MINPS(a, b) / MAXPS(a, b): b when either operand is NaN. */
static inline float vm_min(float a, float b) { return a < b ? a : b; }
static inline float vm_max(float a, float b) { return a > b ? a : b; }

#define VM_SIGN_MASK 0x80000000u
#define VM_ABS_MASK 0x7fffffffu
#define VM_NAN_BITS 0x7fc00000u

/* Any NaN -> the positive quiet NaN. When both operands of an IEEE
 * operation are NaN, the one returned depends on operand order, which C
 * leaves to the compiler (a + b may become b + a); kernels that combine
 * values of different elements (Softmax, LayerNormalization) therefore
 * canonicalize their outputs. Vector form: CMPUNORDPS + blend. */
static inline float vm_canon_nan(float y) {
  return y != y ? vm_float(VM_NAN_BITS) : y;
}

/* ---- exp ----------------------------------------------------------------- */

/* exp(x) = 2^n * e^r, n = round(x / ln 2) by the 1.5 * 2^23 trick (exact
 * round-to-nearest-even for |x / ln 2| < 2^22), r = x - n ln2 in two steps
 * (Cody-Waite; n * LN2_HI is exact), e^r by the Cephes polynomial, and the
 * scale 2^n applied as two exact powers of two 2^(n>>1) * 2^(n-(n>>1)), so
 * +inf comes out of the last multiply for x > ln(FLT_MAX). Results below
 * FLT_MIN (x < VM_EXP_MIN) are 0, selected rather than computed: no
 * subnormal ever enters the arithmetic, which would cost a microcode assist
 * per element on Intel cores (softmax rows with -1e4 or -inf masks). NaN
 * passes the clamps (operand order) and stays NaN. */
#define VM_EXP_MIN -87.3365402f /* exp(VM_EXP_MIN) >= FLT_MIN */
#define VM_EXP_HI 89.0f
#define VM_EXP_LOG2E 1.44269502e+00f   /* 0x3fb8aa3b */
#define VM_EXP_MAGIC 12582912.0f       /* 1.5 * 2^23, bits 0x4b400000 */
#define VM_EXP_MAGIC_BITS 0x4b400000u
#define VM_EXP_LN2_HI 0.693359375f     /* 9 bits: n * LN2_HI exact */
#define VM_EXP_LN2_LO -2.12194440e-4f  /* ln 2 - LN2_HI */
#define VM_EXP_P0 1.9875691500e-4f
#define VM_EXP_P1 1.3981999507e-3f
#define VM_EXP_P2 8.3334519073e-3f
#define VM_EXP_P3 4.1665795894e-2f
#define VM_EXP_P4 1.6666665459e-1f
#define VM_EXP_P5 5.0000001201e-1f

static inline float vm_exp(float x) {
  float xc = vm_max(VM_EXP_MIN, x);
  xc = vm_min(VM_EXP_HI, xc);
  float t = xc * VM_EXP_LOG2E;
  t = t + VM_EXP_MAGIC;
  float n = t - VM_EXP_MAGIC;
  int32_t k = (int32_t)(vm_bits(t) - VM_EXP_MAGIC_BITS);
  float r = xc - n * VM_EXP_LN2_HI;
  r = r - n * VM_EXP_LN2_LO;
  float z = r * r;
  float p = VM_EXP_P0;
  p = p * r + VM_EXP_P1;
  p = p * r + VM_EXP_P2;
  p = p * r + VM_EXP_P3;
  p = p * r + VM_EXP_P4;
  p = p * r + VM_EXP_P5;
  p = p * z;
  p = p + r;
  p = p + 1.0f;
  int32_t k1 = k >> 1; /* arithmetic shift (VPSRAD) */
  int32_t k2 = k - k1;
  p = p * vm_float((uint32_t)(k1 + 127) << 23);
  p = p * vm_float((uint32_t)(k2 + 127) << 23);
  return x < VM_EXP_MIN ? 0.0f : p; /* false for NaN */
}

/* ---- erf ----------------------------------------------------------------- */

/* erf(|x|) on [0, 4] as 16 pieces of width 1/4, each a degree-5 polynomial
 * in t = |x| - centre (t exact by Sterbenz), evaluated by Horner with
 * fused multiply-adds; piece 0 has centre 0, no constant term and
 * c1 = 2/sqrt(pi), so tiny x keep their relative accuracy (within 1.7e-7).
 * |x| >= 4 evaluates the last piece at 4, which gives 1.0 (the true value
 * 1 - 1.5e-8 rounds to it). The index is taken from |x| clamped just below
 * 4, so it needs no integer clamp. The sign is put back with XOR.
 * The coefficient table is indexed [coefficient][piece]: a 16-lane vector
 * kernel loads row k into one register and picks a lane per element
 * (VPERMPS); made by tools/fit-erf.py, lowest degree first. */
#define VM_ERF_PIECES 16
#define VM_ERF_DEGREE 5
#define VM_ERF_CLAMP 4.0f
#define VM_ERF_INDEX_CLAMP 3.99999976f /* the float below 4: index <= 15 */
#define VM_ERF_SCALE 4.0f              /* pieces per unit */

/* Row 0: centres; rows 1..6: c0..c5. */
static const float vm_erf_tab[7][VM_ERF_PIECES] = {
    {0.000000000e+00f, 3.750000000e-01f, 6.250000000e-01f, 8.750000000e-01f,
     1.125000000e+00f, 1.375000000e+00f, 1.625000000e+00f, 1.875000000e+00f,
     2.125000000e+00f, 2.375000000e+00f, 2.625000000e+00f, 2.875000000e+00f,
     3.125000000e+00f, 3.375000000e+00f, 3.625000000e+00f, 3.875000000e+00f},
    {0.000000000e+00f, 4.041168988e-01f, 6.232408881e-01f, 7.840750813e-01f,
     8.883882165e-01f, 9.481700659e-01f, 9.784437418e-01f, 9.919900298e-01f,
     9.973459840e-01f, 9.992170334e-01f, 9.997946024e-01f, 9.999521375e-01f,
     9.999901056e-01f, 9.999982119e-01f, 9.999997020e-01f, 9.999999404e-01f},
    {1.128379226e+00f, 9.803528190e-01f, 7.634995580e-01f, 5.247450471e-01f,
     3.182739615e-01f, 1.703597754e-01f, 8.047225326e-02f, 3.354582563e-02f,
     1.234081946e-02f, 4.006478004e-03f, 1.147875562e-03f, 2.902286651e-04f,
     6.475887494e-05f, 1.275181421e-05f, 2.215943141e-06f, 3.798282080e-07f},
    {-3.988790098e-08f, -3.676254749e-01f, -4.771815538e-01f, -4.591504931e-01f,
     -3.580603004e-01f, -2.342477143e-01f, -1.307694018e-01f, -6.289899349e-02f,
     -2.622399852e-02f, -9.514959529e-03f, -3.012863919e-03f, -8.342493093e-04f,
     -2.023084089e-04f, -4.301684021e-05f, -8.027216609e-06f, -1.315553504e-06f},
    {-3.762193918e-01f, -2.348746061e-01f, -5.567584187e-02f, 9.291825444e-02f,
     1.624495536e-01f, 1.579381078e-01f, 1.148424000e-01f, 6.744251400e-02f,
     3.303794935e-02f, 1.373050082e-02f, 4.890230484e-03f, 1.502382918e-03f,
     3.999423061e-04f, 9.255314944e-05f, 1.866452294e-05f, 3.286130323e-06f},
    {1.389100566e-03f, 1.654139906e-01f, 1.754938513e-01f, 1.121532470e-01f,
     2.833469026e-02f, -2.998309024e-02f, -4.938131571e-02f, -4.216312617e-02f,
     -2.640287764e-02f, -1.320593618e-02f, -5.466934759e-03f, -1.908536651e-03f,
     -5.682219053e-04f, -1.453426958e-04f, -3.210358409e-05f, -6.146436590e-06f},
    {1.071127281e-01f, 4.530489445e-02f, -2.698132955e-02f, -6.663779914e-02f,
     -6.102390960e-02f, -3.064923175e-02f, -2.327178372e-03f, 1.130888425e-02f,
     1.243695058e-02f, 8.361012675e-03f, 4.239050206e-03f, 1.729768934e-03f,
     5.853064940e-04f, 1.669819030e-04f, 4.058411287e-05f, 8.462297046e-06f},
};

static inline const float *vm_erf_table(int row) { return vm_erf_tab[row]; }

static inline float vm_erf(float x) {
  uint32_t sign = vm_bits(x) & VM_SIGN_MASK;
  float a = vm_float(vm_bits(x) & VM_ABS_MASK);
  float ai = vm_min(a, VM_ERF_INDEX_CLAMP); /* NaN -> 15: a defined index */
  float ac = vm_min(VM_ERF_CLAMP, a);       /* NaN stays NaN */
  int32_t i = (int32_t)(ai * VM_ERF_SCALE); /* truncation (VCVTTPS2DQ) */
  float t = ac - vm_erf_tab[0][i];
  float p = vm_erf_tab[VM_ERF_DEGREE + 1][i];
  for (int k = VM_ERF_DEGREE; k >= 1; k--) p = vm_fma(p, t, vm_erf_tab[k][i]);
  return vm_float(vm_bits(p) ^ sign);
}

/* ---- tanh ---------------------------------------------------------------- */

/* |x| < 0.625: the Cephes odd polynomial a + a z P(z), z = a^2;
 * otherwise 1 - 2 / (exp(2a) + 1), which saturates to 1 (also for +inf).
 * Both are computed on a = |x| and the sign is put back with XOR; NaN takes
 * the second branch and stays NaN. */
#define VM_TANH_SMALL 0.625f
#define VM_TANH_P0 -5.70498872745e-3f
#define VM_TANH_P1 2.06390887954e-2f
#define VM_TANH_P2 -5.37397155531e-2f
#define VM_TANH_P3 1.33314422036e-1f
#define VM_TANH_P4 -3.33332819422e-1f

static inline float vm_tanh(float x) {
  uint32_t sign = vm_bits(x) & VM_SIGN_MASK;
  float a = vm_float(vm_bits(x) & VM_ABS_MASK);
  float y;
  if (a < VM_TANH_SMALL) {
    float z = a * a;
    float p = VM_TANH_P0;
    p = p * z + VM_TANH_P1;
    p = p * z + VM_TANH_P2;
    p = p * z + VM_TANH_P3;
    p = p * z + VM_TANH_P4;
    p = p * z;
    p = p * a;
    y = p + a;
  } else {
    float e = vm_exp(a + a);
    e = e + 1.0f;
    e = 2.0f / e;
    y = 1.0f - e;
  }
  return vm_float(vm_bits(y) ^ sign);
}

/* ---- activations --------------------------------------------------------- */

#define VM_SQRT1_2 0.70710678f     /* 1 / sqrt(2) */
#define VM_SQRT_2_PI 0.79788456f   /* sqrt(2 / pi) */
#define VM_GELU_CUBIC 0.044715f

/* 1 / (1 + exp(-x)). */
static inline float vm_sigmoid(float x) {
  float e = vm_exp(-x);
  e = 1.0f + e;
  return 1.0f / e;
}

/* Gelu, approximate="none": 0.5 x (1 + erf(x / sqrt 2)), as h + h e. */
static inline float vm_gelu(float x) {
  float e = vm_erf(x * VM_SQRT1_2);
  float h = 0.5f * x;
  return vm_fma(h, e, h);
}

/* Gelu, approximate="tanh": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
static inline float vm_gelu_tanh(float x) {
  float c = VM_GELU_CUBIC * x;
  c = c * x;
  c = c * x;
  float u = x + c;
  u = VM_SQRT_2_PI * u;
  float t = vm_tanh(u);
  float h = 0.5f * x;
  t = 1.0f + t;
  return h * t;
}

/* x < 0 ? 0 : x, keeping -0 and NaN (MAXPS(0, x)). */
static inline float vm_relu(float x) { return vm_max(0.0f, x); }

/* ---- 16-lane reductions -------------------------------------------------- */

#define VM_LANES 16

static inline float vm_hsum16(const float a[VM_LANES]) {
  float b[8], c[4];
  for (int l = 0; l < 8; l++) b[l] = a[l] + a[l + 8];
  for (int l = 0; l < 4; l++) c[l] = b[l] + b[l + 4];
  float d0 = c[0] + c[2], d1 = c[1] + c[3];
  return d0 + d1;
}

static inline float vm_hmax16(const float a[VM_LANES]) {
  float b[8], c[4];
  for (int l = 0; l < 8; l++) b[l] = vm_max(a[l], a[l + 8]);
  for (int l = 0; l < 4; l++) c[l] = vm_max(b[l], b[l + 4]);
  float d0 = vm_max(c[0], c[2]), d1 = vm_max(c[1], c[3]);
  return vm_max(d0, d1);
}

#endif /* OCTET_VMATH_H */
