/* NEON versions of core/vmath.h: the same sequence of fp32 operations, 4
 * lanes at a time (each statement mirrors one line of the scalar function).
 * Baseline armv8-a (Advanced SIMD is mandatory on AArch64); included only
 * by vec-*-neon.c. Also the float16 load/store helpers, the lane masks of
 * row tails and the 16-virtual-lane reductions.
 *
 * Bit identity with the scalar code (docs/kernels-vec.md):
 *  - No fused multiply-add except where vmath.h writes vm_fma, which is
 *    vfmaq_f32 (FMLA, rounded once like fmaf). Elsewhere vmulq_f32 then
 *    vaddq_f32, never vfmaq_f32 or vmlaq_f32. AArch64 has no unfused vector multiply-accumulate (FMLA is
 *    fused; only A32's VMLA was not), so what vmlaq_f32 becomes is up to the
 *    compiler (GCC 12: an unfused builtin; clang: `a + b * c` in C). And
 *    GCC's vmulq_f32 / vaddq_f32 are the C operators `*` and `+`, which it
 *    fuses into FMLA unless contraction is off: these files rely on the
 *    project-wide -ffp-contract=off.
 *  - vm_min(a, b) = a < b ? a : b: FCMGT/FCMLT + BSL. FMIN/FMINNM
 *    (vminq_f32, vminnmq_f32) treat NaN differently and ignore operand order.
 *  - Integer conversions truncate (FCVTZS, vcvtq_s32_f32) like C's cast.
 *  - float16 stores turn NaN into sign | 0x7e00 like octet_fp32_to_fp16. */
#ifndef OCTET_ARM_VEC_MATH_NEON_H
#define OCTET_ARM_VEC_MATH_NEON_H

#include <arm_neon.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/vmath.h"

typedef float32x4_t (*vn_fn)(float32x4_t);

static inline float32x4_t vn_set(float f) { return vdupq_n_f32(f); }

static inline uint32x4_t vn_bits(float32x4_t x) {
  return vreinterpretq_u32_f32(x);
}

static inline float32x4_t vn_float(uint32x4_t u) {
  return vreinterpretq_f32_u32(u);
}

/* vm_min / vm_max: b when either operand is NaN. */
static inline float32x4_t vn_min(float32x4_t a, float32x4_t b) {
  return vbslq_f32(vcltq_f32(a, b), a, b);
}

static inline float32x4_t vn_max(float32x4_t a, float32x4_t b) {
  return vbslq_f32(vcgtq_f32(a, b), a, b);
}

static inline float32x2_t vn_max2(float32x2_t a, float32x2_t b) {
  return vbsl_f32(vcgt_f32(a, b), a, b);
}

static inline float32x4_t vn_abs(float32x4_t x) {
  return vn_float(vandq_u32(vn_bits(x), vdupq_n_u32(VM_ABS_MASK)));
}

static inline uint32x4_t vn_sign(float32x4_t x) {
  return vandq_u32(vn_bits(x), vdupq_n_u32(VM_SIGN_MASK));
}

static inline float32x4_t vn_xor_sign(float32x4_t y, uint32x4_t sign) {
  return vn_float(veorq_u32(vn_bits(y), sign));
}

/* vm_exp */
static inline float32x4_t vn_exp(float32x4_t x) {
  float32x4_t xc = vn_max(vn_set(VM_EXP_MIN), x);
  xc = vn_min(vn_set(VM_EXP_HI), xc);
  float32x4_t t = vmulq_f32(xc, vn_set(VM_EXP_LOG2E));
  t = vaddq_f32(t, vn_set(VM_EXP_MAGIC));
  float32x4_t n = vsubq_f32(t, vn_set(VM_EXP_MAGIC));
  int32x4_t k = vreinterpretq_s32_u32(
      vsubq_u32(vn_bits(t), vdupq_n_u32(VM_EXP_MAGIC_BITS)));
  float32x4_t r = vsubq_f32(xc, vmulq_f32(n, vn_set(VM_EXP_LN2_HI)));
  r = vsubq_f32(r, vmulq_f32(n, vn_set(VM_EXP_LN2_LO)));
  float32x4_t z = vmulq_f32(r, r);
  float32x4_t p = vn_set(VM_EXP_P0);
  p = vaddq_f32(vmulq_f32(p, r), vn_set(VM_EXP_P1));
  p = vaddq_f32(vmulq_f32(p, r), vn_set(VM_EXP_P2));
  p = vaddq_f32(vmulq_f32(p, r), vn_set(VM_EXP_P3));
  p = vaddq_f32(vmulq_f32(p, r), vn_set(VM_EXP_P4));
  p = vaddq_f32(vmulq_f32(p, r), vn_set(VM_EXP_P5));
  p = vmulq_f32(p, z);
  p = vaddq_f32(p, r);
  p = vaddq_f32(p, vn_set(1.0f));
  int32x4_t k1 = vshrq_n_s32(k, 1); /* arithmetic shift (SSHR) */
  int32x4_t k2 = vsubq_s32(k, k1);
  int32x4_t bias = vdupq_n_s32(127);
  float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k1, bias), 23));
  float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k2, bias), 23));
  p = vmulq_f32(p, s1);
  p = vmulq_f32(p, s2);
  uint32x4_t tiny = vcltq_f32(x, vn_set(VM_EXP_MIN)); /* false for NaN */
  return vbslq_f32(tiny, vn_set(0.0f), p);
}

/* Row k of the erf table (16 floats) as a 64-byte TBL table. */
static inline uint8x16x4_t vn_erf_row(int k) {
  const uint8_t *row = (const uint8_t *)vm_erf_table(k);
  uint8x16x4_t t = {{vld1q_u8(row), vld1q_u8(row + 16), vld1q_u8(row + 32),
                     vld1q_u8(row + 48)}};
  return t;
}

/* Byte indices that pick float i (0..15) of a 64-byte row in each lane:
 * 4i, 4i+1, 4i+2, 4i+3 (no carries: 4i <= 60). */
static inline uint8x16_t vn_erf_index(int32x4_t i) {
  uint32x4_t b = vmulq_n_u32(vreinterpretq_u32_s32(i), 0x04040404u);
  return vreinterpretq_u8_u32(vaddq_u32(b, vdupq_n_u32(0x03020100u)));
}

/* vm_erf_tab[k][i] per lane: an exact byte gather (TBL). */
static inline float32x4_t vn_erf_pick(int k, uint8x16_t idx) {
  return vreinterpretq_f32_u8(vqtbl4q_u8(vn_erf_row(k), idx));
}

/* vm_erf; vfmaq_f32(c, p, t) is c + p t rounded once (FMLA), as vm_fma. */
static inline float32x4_t vn_erf(float32x4_t x) {
  uint32x4_t sign = vn_sign(x);
  float32x4_t a = vn_abs(x);
  float32x4_t ai = vn_min(a, vn_set(VM_ERF_INDEX_CLAMP));
  float32x4_t ac = vn_min(vn_set(VM_ERF_CLAMP), a);
  int32x4_t i = vcvtq_s32_f32(vmulq_f32(ai, vn_set(VM_ERF_SCALE)));
  uint8x16_t idx = vn_erf_index(i);
  float32x4_t t = vsubq_f32(ac, vn_erf_pick(0, idx));
  float32x4_t p = vn_erf_pick(VM_ERF_DEGREE + 1, idx);
  for (int k = VM_ERF_DEGREE; k >= 1; k--) p = vfmaq_f32(vn_erf_pick(k, idx), p, t);
  return vn_xor_sign(p, sign);
}

/* vm_tanh: both branches, then a select on a < 0.625 (false for NaN). */
static inline float32x4_t vn_tanh(float32x4_t x) {
  uint32x4_t sign = vn_sign(x);
  float32x4_t a = vn_abs(x);
  float32x4_t z = vmulq_f32(a, a);
  float32x4_t p = vn_set(VM_TANH_P0);
  p = vaddq_f32(vmulq_f32(p, z), vn_set(VM_TANH_P1));
  p = vaddq_f32(vmulq_f32(p, z), vn_set(VM_TANH_P2));
  p = vaddq_f32(vmulq_f32(p, z), vn_set(VM_TANH_P3));
  p = vaddq_f32(vmulq_f32(p, z), vn_set(VM_TANH_P4));
  p = vmulq_f32(p, z);
  p = vmulq_f32(p, a);
  float32x4_t small = vaddq_f32(p, a);
  float32x4_t e = vn_exp(vaddq_f32(a, a));
  e = vaddq_f32(e, vn_set(1.0f));
  e = vdivq_f32(vn_set(2.0f), e);
  float32x4_t large = vsubq_f32(vn_set(1.0f), e);
  uint32x4_t m = vcltq_f32(a, vn_set(VM_TANH_SMALL));
  return vn_xor_sign(vbslq_f32(m, small, large), sign);
}

/* vm_sigmoid (-x flips the sign bit, as FNEG does) */
static inline float32x4_t vn_sigmoid(float32x4_t x) {
  float32x4_t nx = vn_float(veorq_u32(vn_bits(x), vdupq_n_u32(VM_SIGN_MASK)));
  float32x4_t e = vn_exp(nx);
  e = vaddq_f32(vn_set(1.0f), e);
  return vdivq_f32(vn_set(1.0f), e);
}

/* vm_gelu */
static inline float32x4_t vn_gelu(float32x4_t x) {
  float32x4_t e = vn_erf(vmulq_f32(x, vn_set(VM_SQRT1_2)));
  float32x4_t h = vmulq_f32(vn_set(0.5f), x);
  return vfmaq_f32(h, h, e);
}

/* vm_gelu_tanh */
static inline float32x4_t vn_gelu_tanh(float32x4_t x) {
  float32x4_t c = vmulq_f32(vn_set(VM_GELU_CUBIC), x);
  c = vmulq_f32(c, x);
  c = vmulq_f32(c, x);
  float32x4_t u = vaddq_f32(x, c);
  u = vmulq_f32(vn_set(VM_SQRT_2_PI), u);
  float32x4_t t = vn_tanh(u);
  float32x4_t h = vmulq_f32(vn_set(0.5f), x);
  t = vaddq_f32(vn_set(1.0f), t);
  return vmulq_f32(h, t);
}

/* vm_relu: vm_max(0, x) keeps -0 and NaN. */
static inline float32x4_t vn_relu(float32x4_t x) {
  return vn_max(vn_set(0.0f), x);
}

/* vm_canon_nan: x == x is false only for NaN. */
static inline float32x4_t vn_canon_nan(float32x4_t y) {
  return vbslq_f32(vceqq_f32(y, y), y, vn_float(vdupq_n_u32(VM_NAN_BITS)));
}

/* ---- 16 virtual lanes in four registers
 * -------------------------------------- v[j] holds lanes 4j..4j+3; element i
 * of a row goes to lane i % 16. */

typedef struct vn_lanes16 {
  float32x4_t v[4];
} vn_lanes16;

static inline vn_lanes16 vn_lanes16_set(float f) {
  vn_lanes16 a = {{vn_set(f), vn_set(f), vn_set(f), vn_set(f)}};
  return a;
}

/* vm_hsum16: b[l] = a[l] + a[l+8], c[l] = b[l] + b[l+4], then c0 + c2,
 * c1 + c3 and their sum. */
static inline float vn_hsum16(vn_lanes16 a) {
  float32x4_t b0 = vaddq_f32(a.v[0], a.v[2]), b1 = vaddq_f32(a.v[1], a.v[3]);
  float32x4_t c = vaddq_f32(b0, b1);
  float32x2_t d = vadd_f32(vget_low_f32(c), vget_high_f32(c));
  return vget_lane_f32(d, 0) + vget_lane_f32(d, 1);
}

/* vm_hmax16, the same tree with vm_max. */
static inline float vn_hmax16(vn_lanes16 a) {
  float32x4_t b0 = vn_max(a.v[0], a.v[2]), b1 = vn_max(a.v[1], a.v[3]);
  float32x4_t c = vn_max(b0, b1);
  float32x2_t d = vn_max2(vget_low_f32(c), vget_high_f32(c));
  return vm_max(vget_lane_f32(d, 0), vget_lane_f32(d, 1));
}

/* Lanes 0..m-1 set (m <= 4). */
static inline uint32x4_t vn_tail_mask(size_t m) {
  static const uint32_t lane[4] = {0, 1, 2, 3};
  return vcltq_u32(vld1q_u32(lane), vdupq_n_u32((uint32_t)m));
}

/* ---- loads and stores -------------------------------------------------------
 * The _tail forms move m < 4 elements through a zero-padded buffer. */

static inline float32x4_t vn_ld_f32_tail(const float *p, size_t m) {
  float b[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  memcpy(b, p, m * sizeof(float));
  return vld1q_f32(b);
}

static inline void vn_st_f32_tail(float *p, size_t m, float32x4_t v) {
  float b[4];
  vst1q_f32(b, v);
  memcpy(p, b, m * sizeof(float));
}

/* Half -> fp32, exact (FCVTL; a signalling NaN comes out quiet, which only
 * Cast f16->f32 has to undo: every other op makes NaN from it anyway). */
static inline float32x4_t vn_ld_f16(const uint16_t *p) {
  return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}

static inline float32x4_t vn_ld_f16_tail(const uint16_t *p, size_t m) {
  uint16_t b[4] = {0, 0, 0, 0};
  memcpy(b, p, m * sizeof(uint16_t));
  return vn_ld_f16(b);
}

/* Half NaN -> sign | 0x7e00 (octet_fp32_to_fp16's NaN). FCVTN makes quiet
 * NaNs, 0x7e00-0x7fff and 0xfe00-0xffff: a signed min with 0x7e00 folds the
 * positive ones, an unsigned min with 0xfe00 the negative ones; every other
 * half passes both. */
static inline uint16x4_t vn_canon_nan_f16(uint16x4_t h) {
  int16x4_t s = vmin_s16(vreinterpret_s16_u16(h), vdup_n_s16(0x7e00));
  return vmin_u16(vreinterpret_u16_s16(s), vdup_n_u16(0xfe00));
}

/* fp32 -> half, round to nearest even (FCVTN under the default FPCR). */
static inline uint16x4_t vn_to_f16(float32x4_t v) {
  return vn_canon_nan_f16(vreinterpret_u16_f16(vcvt_f16_f32(v)));
}

static inline void vn_st_f16(uint16_t *p, float32x4_t v) {
  vst1_u16(p, vn_to_f16(v));
}

static inline void vn_st_f16_tail(uint16_t *p, size_t m, float32x4_t v) {
  uint16_t b[4];
  vst1_u16(b, vn_to_f16(v));
  memcpy(p, b, m * sizeof(uint16_t));
}

/* Element i.. of a float32 (f16 false) or float16 (f16 true) array, 4 or
 * m < 4 at a time. Called with constant f16 from always-inline kernels, so
 * the branch folds away. */
static inline float32x4_t vn_ld(const void *p, bool f16, size_t i) {
  return f16 ? vn_ld_f16((const uint16_t *)p + i)
             : vld1q_f32((const float *)p + i);
}

static inline float32x4_t vn_ld_tail(const void *p, bool f16, size_t i,
                                     size_t m) {
  return f16 ? vn_ld_f16_tail((const uint16_t *)p + i, m)
             : vn_ld_f32_tail((const float *)p + i, m);
}

static inline void vn_st(void *p, bool f16, size_t i, float32x4_t v) {
  if (f16)
    vn_st_f16((uint16_t *)p + i, v);
  else
    vst1q_f32((float *)p + i, v);
}

static inline void vn_st_tail(void *p, bool f16, size_t i, size_t m,
                              float32x4_t v) {
  if (f16)
    vn_st_f16_tail((uint16_t *)p + i, m, v);
  else
    vn_st_f32_tail((float *)p + i, m, v);
}

#endif /* OCTET_ARM_VEC_MATH_NEON_H */
