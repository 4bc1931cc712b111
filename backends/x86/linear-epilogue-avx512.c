/* AVX-512 (F, F16C) row epilogues (linear-epilogue.h): 16 lanes at a time,
 * the tail under a mask; the same fp32 operations as the scalar version. */
#include <immintrin.h>

#include "backends/common/linear-epilogue.h"

static inline __mmask16 tail(size_t n) { return (__mmask16)((1u << n) - 1); }

static void f16_to_f32(size_t n, const uint16_t *x, float *y) {
  size_t j = 0;
  for (; j + 16 <= n; j += 16)
    _mm512_storeu_ps(y + j, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + j))));
  if (j < n) {
    __mmask16 m = tail(n - j);
    __m256i h = _mm256_maskz_loadu_epi16(m, x + j);
    _mm512_mask_storeu_ps(y + j, m, _mm512_cvtph_ps(h));
  }
}

static inline __m512 bias_relu(__m512 v, const float *bias, size_t j, __mmask16 m,
                               int relu) {
  if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + j));
  /* relu as `y > 0 ? y : 0`: NaN and -0 give +0, as in the scalar version */
  if (relu) v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ), v);
  return v;
}

static void f32(size_t n, const float *acc, const float *bias, int relu, float *y) {
  for (size_t j = 0; j < n; j += 16) {
    __mmask16 m = n - j >= 16 ? (__mmask16)0xFFFF : tail(n - j);
    __m512 v = bias_relu(_mm512_maskz_loadu_ps(m, acc + j), bias, j, m, relu);
    _mm512_mask_storeu_ps(y + j, m, v);
  }
}

static void f32_to_f16(size_t n, const float *acc, const float *bias, int relu,
                       uint16_t *y) {
  for (size_t j = 0; j < n; j += 16) {
    __mmask16 m = n - j >= 16 ? (__mmask16)0xFFFF : tail(n - j);
    __m512 v = bias_relu(_mm512_maskz_loadu_ps(m, acc + j), bias, j, m, relu);
    __m256i h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm256_mask_storeu_epi16(y + j, m, h);
  }
}

static void qs8(size_t n, const int32_t *acc, const int32_t *comp, float sa,
                const float *sw, const float *bias, int relu, float *y) {
  const __m512 vsa = _mm512_set1_ps(sa);
  for (size_t j = 0; j < n; j += 16) {
    __mmask16 m = n - j >= 16 ? (__mmask16)0xFFFF : tail(n - j);
    __m512i a = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, acc + j),
                                 _mm512_maskz_loadu_epi32(m, comp + j));
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(a), vsa);
    v = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, sw + j));
    _mm512_mask_storeu_ps(y + j, m, bias_relu(v, bias, j, m, relu));
  }
}

const octet_linear_epilogue_kernels octet_linear_epilogue_avx512 = {
    "avx512", f16_to_f32, f32, f32_to_f16, qs8};
