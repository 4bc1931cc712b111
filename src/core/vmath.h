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
 *    exact bit manipulations; no FMA (build with -ffp-contract=off), no libm;
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

/* erf(|x|) on [0, 4] as 8 pieces of width 1/2, each a degree-7 polynomial
 * in t = |x| - centre (t exact by Sterbenz); piece 0 has centre 0, no
 * constant term and c1 = 2/sqrt(pi), so tiny x keep their relative
 * accuracy (within 1.6e-7). |x| >= 4 uses the last piece at 4 (erf rounds
 * to 1 there). The sign is put back with XOR.
 * The coefficient table is indexed [coefficient][piece] so a vector kernel
 * loads row k into a register and picks a lane per element (VPERMPS).
 * Coefficients fitted with float rounding, lowest degree first. */
#define VM_ERF_PIECES 8
#define VM_ERF_CLAMP 4.0f
#define VM_ERF_SCALE 2.0f /* pieces per unit */

/* Row 0: centres; rows 1..8: c0..c7. */
static const float vm_erf_tab[9][VM_ERF_PIECES] = {
    {0.0f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f, 3.75f},
    {0.000000000e+00f, 7.111556530e-01f, 9.229001403e-01f, 9.866716862e-01f,
     9.985373020e-01f, 9.998993874e-01f, 9.999957085e-01f, 9.999998808e-01f},
    {1.128379226e+00f, 6.429310441e-01f, 2.365211248e-01f, 5.277499557e-02f,
     7.142319344e-03f, 5.862772814e-04f, 2.918901191e-05f, 8.814288321e-07f},
    {-5.435185358e-06f, -4.822006822e-01f, -2.956531942e-01f,
     -9.235812724e-02f, -1.607255265e-02f, -1.613454195e-03f,
     -9.630744898e-05f, -2.604195288e-06f},
    {-3.760116398e-01f, 2.679095976e-02f, 1.675356179e-01f, 9.015737474e-02f,
     2.172449976e-02f, 2.760380739e-03f, 1.958126086e-04f, 7.970329534e-06f},
    {-1.023703255e-03f, 1.507564783e-01f, -6.085709203e-03f,
     -4.804389551e-02f, -1.901160367e-02f, -3.219734412e-03f,
     -2.401497040e-04f, -3.624543024e-05f},
    {1.174135208e-01f, -5.328866839e-02f, -4.717908427e-02f, 6.618825719e-03f,
     1.066041365e-02f, 2.756279660e-03f, 3.136294836e-04f, 1.833001261e-05f},
    {-1.045947615e-02f, -2.732272819e-02f, 2.017451823e-02f, 8.485947736e-03f,
     -3.480330110e-03f, -2.015056089e-03f, -6.945103523e-04f,
     1.846563391e-04f},
    {-1.647162437e-02f, 1.847940125e-02f, 3.683138173e-03f, -5.936120637e-03f,
     -7.244934677e-04f, 6.359058316e-04f, 1.735909609e-04f, 1.714510836e-05f},
};

static inline const float *vm_erf_table(int row) { return vm_erf_tab[row]; }

static inline float vm_erf(float x) {
  uint32_t sign = vm_bits(x) & VM_SIGN_MASK;
  float a = vm_float(vm_bits(x) & VM_ABS_MASK);
  float ai = vm_min(a, VM_ERF_CLAMP); /* NaN -> 4: a defined index */
  float ac = vm_min(VM_ERF_CLAMP, a); /* NaN stays NaN */
  int32_t i = (int32_t)(ai * VM_ERF_SCALE); /* truncation (VCVTTPS2DQ) */
  i = i < VM_ERF_PIECES - 1 ? i : VM_ERF_PIECES - 1;
  float t = ac - vm_erf_tab[0][i];
  float p = vm_erf_tab[8][i];
  for (int k = 7; k >= 1; k--) p = p * t + vm_erf_tab[k][i];
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

/* Gelu, approximate="none": 0.5 x (1 + erf(x / sqrt 2)). */
static inline float vm_gelu(float x) {
  float e = vm_erf(x * VM_SQRT1_2);
  float h = 0.5f * x;
  e = 1.0f + e;
  return h * e;
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
