/* AVX-512 versions of core/vmath.h: the same sequence of fp32 operations,
 * 16 lanes at a time (each statement mirrors one line of the scalar
 * function). Included only by vec-*-avx512.c, compiled with -mavx512f
 * -mavx512bw -mavx512vl -mavx512dq -ffp-contract=off. Also the float16
 * load/store helpers and the 16-lane horizontal reductions. */
#ifndef OCTET_X86_VEC_MATH_AVX512_H
#define OCTET_X86_VEC_MATH_AVX512_H

#include <immintrin.h>
#include <stdint.h>

#include "core/vmath.h"

static inline __m512 v512_abs(__m512 x) {
  return _mm512_castsi512_ps(_mm512_and_si512(
      _mm512_castps_si512(x), _mm512_set1_epi32((int)VM_ABS_MASK)));
}

static inline __m512i v512_sign(__m512 x) {
  return _mm512_and_si512(_mm512_castps_si512(x),
                          _mm512_set1_epi32((int)VM_SIGN_MASK));
}

static inline __m512 v512_xor_sign(__m512 y, __m512i sign) {
  return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(y), sign));
}

/* vm_exp */
static inline __m512 v512_exp(__m512 x) {
  __m512 xc = _mm512_max_ps(_mm512_set1_ps(VM_EXP_MIN), x);
  xc = _mm512_min_ps(_mm512_set1_ps(VM_EXP_HI), xc);
  __m512 t = _mm512_mul_ps(xc, _mm512_set1_ps(VM_EXP_LOG2E));
  t = _mm512_add_ps(t, _mm512_set1_ps(VM_EXP_MAGIC));
  __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(VM_EXP_MAGIC));
  __m512i k = _mm512_sub_epi32(_mm512_castps_si512(t),
                               _mm512_set1_epi32((int)VM_EXP_MAGIC_BITS));
  __m512 r = _mm512_sub_ps(xc, _mm512_mul_ps(n, _mm512_set1_ps(VM_EXP_LN2_HI)));
  r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(VM_EXP_LN2_LO)));
  __m512 z = _mm512_mul_ps(r, r);
  __m512 p = _mm512_set1_ps(VM_EXP_P0);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(VM_EXP_P1));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(VM_EXP_P2));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(VM_EXP_P3));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(VM_EXP_P4));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(VM_EXP_P5));
  p = _mm512_mul_ps(p, z);
  p = _mm512_add_ps(p, r);
  p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
  __m512i k1 = _mm512_srai_epi32(k, 1);
  __m512i k2 = _mm512_sub_epi32(k, k1);
  __m512i bias = _mm512_set1_epi32(127);
  __m512 s1 =
      _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(k1, bias), 23));
  __m512 s2 =
      _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(k2, bias), 23));
  p = _mm512_mul_ps(p, s1);
  p = _mm512_mul_ps(p, s2);
  __mmask16 tiny =
      _mm512_cmp_ps_mask(x, _mm512_set1_ps(VM_EXP_MIN), _CMP_LT_OQ);
  return _mm512_maskz_mov_ps((__mmask16)~tiny, p);
}

/* Row k of the erf table: 16 floats, one zmm (VPERMPS picks any lane). */
static inline __m512 v512_erf_row(int k) { return _mm512_loadu_ps(vm_erf_table(k)); }

/* vm_erf */
static inline __m512 v512_erf(__m512 x) {
  __m512i sign = v512_sign(x);
  __m512 a = v512_abs(x);
  __m512 ai = _mm512_min_ps(a, _mm512_set1_ps(VM_ERF_INDEX_CLAMP));
  __m512 ac = _mm512_min_ps(_mm512_set1_ps(VM_ERF_CLAMP), a);
  __m512i i =
      _mm512_cvttps_epi32(_mm512_mul_ps(ai, _mm512_set1_ps(VM_ERF_SCALE)));
  __m512 t = _mm512_sub_ps(ac, _mm512_permutexvar_ps(i, v512_erf_row(0)));
  __m512 p = _mm512_permutexvar_ps(i, v512_erf_row(VM_ERF_DEGREE + 1));
  for (int k = VM_ERF_DEGREE; k >= 1; k--)
    p = _mm512_fmadd_ps(p, t, _mm512_permutexvar_ps(i, v512_erf_row(k)));
  return v512_xor_sign(p, sign);
}

/* vm_tanh: both branches, then a blend on a < 0.625 (false for NaN). */
static inline __m512 v512_tanh(__m512 x) {
  __m512i sign = v512_sign(x);
  __m512 a = v512_abs(x);
  __m512 z = _mm512_mul_ps(a, a);
  __m512 p = _mm512_set1_ps(VM_TANH_P0);
  p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(VM_TANH_P1));
  p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(VM_TANH_P2));
  p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(VM_TANH_P3));
  p = _mm512_add_ps(_mm512_mul_ps(p, z), _mm512_set1_ps(VM_TANH_P4));
  p = _mm512_mul_ps(p, z);
  p = _mm512_mul_ps(p, a);
  __m512 small = _mm512_add_ps(p, a);
  __m512 e = v512_exp(_mm512_add_ps(a, a));
  e = _mm512_add_ps(e, _mm512_set1_ps(1.0f));
  e = _mm512_div_ps(_mm512_set1_ps(2.0f), e);
  __m512 large = _mm512_sub_ps(_mm512_set1_ps(1.0f), e);
  __mmask16 m =
      _mm512_cmp_ps_mask(a, _mm512_set1_ps(VM_TANH_SMALL), _CMP_LT_OQ);
  return v512_xor_sign(_mm512_mask_blend_ps(m, large, small), sign);
}

/* vm_sigmoid */
static inline __m512 v512_sigmoid(__m512 x) {
  __m512 nx = _mm512_castsi512_ps(_mm512_xor_si512(
      _mm512_castps_si512(x), _mm512_set1_epi32((int)VM_SIGN_MASK)));
  __m512 e = v512_exp(nx);
  e = _mm512_add_ps(_mm512_set1_ps(1.0f), e);
  return _mm512_div_ps(_mm512_set1_ps(1.0f), e);
}

/* vm_gelu */
static inline __m512 v512_gelu(__m512 x) {
  __m512 e = v512_erf(_mm512_mul_ps(x, _mm512_set1_ps(VM_SQRT1_2)));
  __m512 h = _mm512_mul_ps(_mm512_set1_ps(0.5f), x);
  return _mm512_fmadd_ps(h, e, h);
}

/* vm_gelu_tanh */
static inline __m512 v512_gelu_tanh(__m512 x) {
  __m512 c = _mm512_mul_ps(_mm512_set1_ps(VM_GELU_CUBIC), x);
  c = _mm512_mul_ps(c, x);
  c = _mm512_mul_ps(c, x);
  __m512 u = _mm512_add_ps(x, c);
  u = _mm512_mul_ps(_mm512_set1_ps(VM_SQRT_2_PI), u);
  __m512 t = v512_tanh(u);
  __m512 h = _mm512_mul_ps(_mm512_set1_ps(0.5f), x);
  t = _mm512_add_ps(_mm512_set1_ps(1.0f), t);
  return _mm512_mul_ps(h, t);
}

/* vm_relu: MAXPS(0, x) keeps -0 and NaN. */
static inline __m512 v512_relu(__m512 x) {
  return _mm512_max_ps(_mm512_setzero_ps(), x);
}

/* vm_canon_nan */
static inline __m512 v512_canon_nan(__m512 y) {
  __mmask16 nan = _mm512_cmp_ps_mask(y, y, _CMP_UNORD_Q);
  return _mm512_mask_mov_ps(
      y, nan, _mm512_castsi512_ps(_mm512_set1_epi32((int)VM_NAN_BITS)));
}

/* ---- 16-lane reductions (vm_hsum16 / vm_hmax16) ----------------------------
 */

static inline float v512_hsum(__m512 v) {
  __m256 s8 =
      _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  __m128 s4 =
      _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

static inline float v512_hmax(__m512 v) {
  __m256 s8 =
      _mm256_max_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  __m128 s4 =
      _mm_max_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  __m128 s2 = _mm_max_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_max_ss(s2, _mm_movehdup_ps(s2)));
}

/* ---- loads and stores
 * -------------------------------------------------------- */

/* Mask of the first `n` (< 16) lanes. */
static inline __mmask16 v512_tail_mask(size_t n) {
  return (__mmask16)((1u << n) - 1u);
}

static inline __m512 v512_ld_f16(const uint16_t *p) {
  return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}

static inline __m512 v512_ld_f16_tail(const uint16_t *p, __mmask16 m) {
  return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}

/* Half NaN -> sign | 0x7e00 (octet_fp32_to_fp16's NaN). VCVTPS2PH makes
 * quiet NaNs, 0x7e00-0x7fff and 0xfe00-0xffff: a signed min with 0x7e00
 * folds the positive ones, an unsigned min with 0xfe00 the negative ones;
 * every other half passes both. Two single-uop integer ops, off port 5. */
static inline __m256i v16_canon_nan256(__m256i h) {
  return _mm256_min_epu16(_mm256_min_epi16(h, _mm256_set1_epi16(0x7e00)),
                          _mm256_set1_epi16((short)0xfe00));
}

/* Round to nearest even; NaN becomes sign | 0x7e00 like
 * octet_fp32_to_fp16. */
static inline __m256i v512_to_f16(__m512 v) {
  __m256i h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  return v16_canon_nan256(h);
}

static inline void v512_st_f16(uint16_t *p, __m512 v) {
  _mm256_storeu_si256((__m256i *)p, v512_to_f16(v));
}

static inline void v512_st_f16_tail(uint16_t *p, __mmask16 m, __m512 v) {
  _mm256_mask_storeu_epi16(p, m, v512_to_f16(v));
}

#endif /* OCTET_X86_VEC_MATH_AVX512_H */
