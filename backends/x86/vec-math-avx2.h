/* AVX2 versions of core/vmath.h: the same sequence of fp32 operations,
 * 8 lanes at a time (each statement mirrors one line of the scalar
 * function). Included only by vec-*-avx2.c, compiled with -mavx2 -mfma
 * -mf16c -ffp-contract=off (FMA is never used). The 16 virtual lanes of a
 * row reduction live in two ymm: lanes 0-7 and 8-15. Also the float16
 * load/store helpers. */
#ifndef OCTET_X86_VEC_MATH_AVX2_H
#define OCTET_X86_VEC_MATH_AVX2_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "core/vmath.h"

static inline __m256 v256_abs(__m256 x) {
  return _mm256_castsi256_ps(_mm256_and_si256(
      _mm256_castps_si256(x), _mm256_set1_epi32((int)VM_ABS_MASK)));
}

static inline __m256i v256_sign(__m256 x) {
  return _mm256_and_si256(_mm256_castps_si256(x),
                          _mm256_set1_epi32((int)VM_SIGN_MASK));
}

static inline __m256 v256_xor_sign(__m256 y, __m256i sign) {
  return _mm256_castsi256_ps(_mm256_xor_si256(_mm256_castps_si256(y), sign));
}

/* vm_exp */
static inline __m256 v256_exp(__m256 x) {
  __m256 xc = _mm256_max_ps(_mm256_set1_ps(VM_EXP_MIN), x);
  xc = _mm256_min_ps(_mm256_set1_ps(VM_EXP_HI), xc);
  __m256 t = _mm256_mul_ps(xc, _mm256_set1_ps(VM_EXP_LOG2E));
  t = _mm256_add_ps(t, _mm256_set1_ps(VM_EXP_MAGIC));
  __m256 n = _mm256_sub_ps(t, _mm256_set1_ps(VM_EXP_MAGIC));
  __m256i k = _mm256_sub_epi32(_mm256_castps_si256(t),
                               _mm256_set1_epi32((int)VM_EXP_MAGIC_BITS));
  __m256 r = _mm256_sub_ps(xc, _mm256_mul_ps(n, _mm256_set1_ps(VM_EXP_LN2_HI)));
  r = _mm256_sub_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(VM_EXP_LN2_LO)));
  __m256 z = _mm256_mul_ps(r, r);
  __m256 p = _mm256_set1_ps(VM_EXP_P0);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(VM_EXP_P1));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(VM_EXP_P2));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(VM_EXP_P3));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(VM_EXP_P4));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(VM_EXP_P5));
  p = _mm256_mul_ps(p, z);
  p = _mm256_add_ps(p, r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
  __m256i k1 = _mm256_srai_epi32(k, 1);
  __m256i k2 = _mm256_sub_epi32(k, k1);
  __m256i bias = _mm256_set1_epi32(127);
  __m256 s1 =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
  __m256 s2 =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
  p = _mm256_mul_ps(p, s1);
  p = _mm256_mul_ps(p, s2);
  __m256 tiny = _mm256_cmp_ps(x, _mm256_set1_ps(VM_EXP_MIN), _CMP_LT_OQ);
  return _mm256_andnot_ps(tiny, p);
}

/* vm_erf_tab[k][i] per lane: VPERMPS in each half of the 16-float row,
 * then a blend on bit 3 of i (moved to the sign bit for BLENDVPS). */
static inline __m256 v256_erf_pick(int k, __m256i i, __m256 hi) {
  __m256 l = _mm256_permutevar8x32_ps(_mm256_loadu_ps(vm_erf_table(k)), i);
  __m256 h = _mm256_permutevar8x32_ps(_mm256_loadu_ps(vm_erf_table(k) + 8), i);
  return _mm256_blendv_ps(l, h, hi);
}

/* vm_erf. When every lane is in pieces 0..7 (|x| < 2, the common case for
 * Gelu's inputs), the low half of each row is enough: one VPERMPS per
 * coefficient instead of two and a blend, the same values. */
static inline __m256 v256_erf(__m256 x) {
  __m256i sign = v256_sign(x);
  __m256 a = v256_abs(x);
  __m256 ai = _mm256_min_ps(a, _mm256_set1_ps(VM_ERF_INDEX_CLAMP));
  __m256 ac = _mm256_min_ps(_mm256_set1_ps(VM_ERF_CLAMP), a);
  __m256i i =
      _mm256_cvttps_epi32(_mm256_mul_ps(ai, _mm256_set1_ps(VM_ERF_SCALE)));
  __m256 t, p;
  if (_mm256_testz_si256(i, _mm256_set1_epi32(8))) {
    t = _mm256_sub_ps(ac, _mm256_permutevar8x32_ps(_mm256_loadu_ps(vm_erf_table(0)), i));
    p = _mm256_permutevar8x32_ps(_mm256_loadu_ps(vm_erf_table(VM_ERF_DEGREE + 1)), i);
    for (int k = VM_ERF_DEGREE; k >= 1; k--)
      p = _mm256_fmadd_ps(p, t,
                          _mm256_permutevar8x32_ps(_mm256_loadu_ps(vm_erf_table(k)), i));
  } else {
    __m256 hi = _mm256_castsi256_ps(_mm256_slli_epi32(i, 28));
    t = _mm256_sub_ps(ac, v256_erf_pick(0, i, hi));
    p = v256_erf_pick(VM_ERF_DEGREE + 1, i, hi);
    for (int k = VM_ERF_DEGREE; k >= 1; k--)
      p = _mm256_fmadd_ps(p, t, v256_erf_pick(k, i, hi));
  }
  return v256_xor_sign(p, sign);
}

/* vm_tanh: both branches, then a blend on a < 0.625 (false for NaN). */
static inline __m256 v256_tanh(__m256 x) {
  __m256i sign = v256_sign(x);
  __m256 a = v256_abs(x);
  __m256 z = _mm256_mul_ps(a, a);
  __m256 p = _mm256_set1_ps(VM_TANH_P0);
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(VM_TANH_P1));
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(VM_TANH_P2));
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(VM_TANH_P3));
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(VM_TANH_P4));
  p = _mm256_mul_ps(p, z);
  p = _mm256_mul_ps(p, a);
  __m256 small = _mm256_add_ps(p, a);
  __m256 e = v256_exp(_mm256_add_ps(a, a));
  e = _mm256_add_ps(e, _mm256_set1_ps(1.0f));
  e = _mm256_div_ps(_mm256_set1_ps(2.0f), e);
  __m256 large = _mm256_sub_ps(_mm256_set1_ps(1.0f), e);
  __m256 m = _mm256_cmp_ps(a, _mm256_set1_ps(VM_TANH_SMALL), _CMP_LT_OQ);
  return v256_xor_sign(_mm256_blendv_ps(large, small, m), sign);
}

/* vm_sigmoid */
static inline __m256 v256_sigmoid(__m256 x) {
  __m256 nx = _mm256_castsi256_ps(_mm256_xor_si256(
      _mm256_castps_si256(x), _mm256_set1_epi32((int)VM_SIGN_MASK)));
  __m256 e = v256_exp(nx);
  e = _mm256_add_ps(_mm256_set1_ps(1.0f), e);
  return _mm256_div_ps(_mm256_set1_ps(1.0f), e);
}

/* vm_gelu */
static inline __m256 v256_gelu(__m256 x) {
  __m256 e = v256_erf(_mm256_mul_ps(x, _mm256_set1_ps(VM_SQRT1_2)));
  __m256 h = _mm256_mul_ps(_mm256_set1_ps(0.5f), x);
  return _mm256_fmadd_ps(h, e, h);
}

/* vm_gelu_tanh */
static inline __m256 v256_gelu_tanh(__m256 x) {
  __m256 c = _mm256_mul_ps(_mm256_set1_ps(VM_GELU_CUBIC), x);
  c = _mm256_mul_ps(c, x);
  c = _mm256_mul_ps(c, x);
  __m256 u = _mm256_add_ps(x, c);
  u = _mm256_mul_ps(_mm256_set1_ps(VM_SQRT_2_PI), u);
  __m256 t = v256_tanh(u);
  __m256 h = _mm256_mul_ps(_mm256_set1_ps(0.5f), x);
  t = _mm256_add_ps(_mm256_set1_ps(1.0f), t);
  return _mm256_mul_ps(h, t);
}

/* vm_relu: MAXPS(0, x) keeps -0 and NaN. */
static inline __m256 v256_relu(__m256 x) {
  return _mm256_max_ps(_mm256_setzero_ps(), x);
}

/* vm_canon_nan */
static inline __m256 v256_canon_nan(__m256 y) {
  return _mm256_blendv_ps(
      y, _mm256_castsi256_ps(_mm256_set1_epi32((int)VM_NAN_BITS)),
      _mm256_cmp_ps(y, y, _CMP_UNORD_Q));
}

/* ---- 16-lane reductions (vm_hsum16 / vm_hmax16) over lo = lanes 0-7 and
 * hi = lanes 8-15 ------------------------------------------------------------
 */

static inline float v256_hsum(__m256 lo, __m256 hi) {
  __m256 s8 = _mm256_add_ps(lo, hi);
  __m128 s4 =
      _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

static inline float v256_hmax(__m256 lo, __m256 hi) {
  __m256 s8 = _mm256_max_ps(lo, hi);
  __m128 s4 =
      _mm_max_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  __m128 s2 = _mm_max_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_max_ss(s2, _mm_movehdup_ps(s2)));
}

/* ---- loads and stores
 * -------------------------------------------------------- */

/* All-ones in the first k (0..8) lanes. */
static inline __m256i v256_mask(size_t k) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* The first k (< 8) floats; the other lanes 0. */
static inline __m256 v256_ld_f32_tail(const float *p, __m256i m) {
  return _mm256_maskload_ps(p, m);
}

static inline __m256 v256_ld_f16(const uint16_t *p) {
  return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

/* The first k (< 8) halves; the other lanes 0. */
static inline __m256 v256_ld_f16_tail(const uint16_t *p, size_t k) {
  uint16_t buf[8] = {0};
  memcpy(buf, p, k * sizeof *p);
  return v256_ld_f16(buf);
}

/* Round to nearest even; NaN becomes sign | 0x7e00 like
 * octet_fp32_to_fp16. */
static inline __m128i v256_to_f16(__m256 v) {
  __m128i h = _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT);
  /* half NaN -> sign | 0x7e00: see v16_canon_nan256 in vec-math-avx512.h */
  return _mm_min_epu16(_mm_min_epi16(h, _mm_set1_epi16(0x7e00)),
                       _mm_set1_epi16((short)0xfe00));
}

static inline void v256_st_f16(uint16_t *p, __m256 v) {
  _mm_storeu_si128((__m128i *)p, v256_to_f16(v));
}

static inline void v256_st_f16_tail(uint16_t *p, size_t k, __m256 v) {
  uint16_t buf[8];
  _mm_storeu_si128((__m128i *)buf, v256_to_f16(v));
  memcpy(p, buf, k * sizeof *p);
}

#endif /* OCTET_X86_VEC_MATH_AVX2_H */
