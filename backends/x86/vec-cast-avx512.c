/* Cast float32 <-> float16, AVX-512 (VCVTPS2PH round to nearest even /
 * VCVTPH2PS), 32 elements per step, the tail under a mask. NaNs come out
 * as octet_fp32_to_fp16 / octet_fp16_to_fp32 make them, so the result
 * equals the ref bit for bit: float32 NaN -> sign | 0x7e00, and a
 * signalling half NaN keeps its quiet bit clear. */
#include "backends/x86/vec-math-avx512.h"
#include "backends/x86/vec-ukernels.h"

void octet_f32_f16_vcvt_ukernel__avx512(size_t n, const void *xv, void *yv) {
  const float *x = xv;
  uint16_t *y = yv;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i a = v512_to_f16(_mm512_loadu_ps(x + i));
    __m256i b = v512_to_f16(_mm512_loadu_ps(x + i + 16));
    _mm256_storeu_si256((__m256i *)(y + i), a);
    _mm256_storeu_si256((__m256i *)(y + i + 16), b);
  }
  for (; i + 16 <= n; i += 16) v512_st_f16(y + i, _mm512_loadu_ps(x + i));
  if (i < n) {
    __mmask16 m = v512_tail_mask(n - i);
    v512_st_f16_tail(y + i, m, _mm512_maskz_loadu_ps(m, x + i));
  }
}

/* VCVTPH2PS sets the quiet bit of a signalling NaN; clear it again. */
static inline __m512 f16_to_f32(__m256i h) {
  __m512 v = _mm512_cvtph_ps(h);
  __mmask16 nan =
      _mm256_cmpeq_epi16_mask(_mm256_and_si256(h, _mm256_set1_epi16(0x7e00)),
                              _mm256_set1_epi16(0x7c00));
  __mmask16 snan = nan & _mm256_test_epi16_mask(h, _mm256_set1_epi16(0x03ff));
  return _mm512_mask_and_ps(
      v, snan, v, _mm512_castsi512_ps(_mm512_set1_epi32(~0x00400000)));
}

void octet_f16_f32_vcvt_ukernel__avx512(size_t n, const void *xv, void *yv) {
  const uint16_t *x = xv;
  float *y = yv;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 a = f16_to_f32(_mm256_loadu_si256((const __m256i *)(x + i)));
    __m512 b = f16_to_f32(_mm256_loadu_si256((const __m256i *)(x + i + 16)));
    _mm512_storeu_ps(y + i, a);
    _mm512_storeu_ps(y + i + 16, b);
  }
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i,
                     f16_to_f32(_mm256_loadu_si256((const __m256i *)(x + i))));
  if (i < n) {
    __mmask16 m = v512_tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, m,
                          f16_to_f32(_mm256_maskz_loadu_epi16(m, x + i)));
  }
}
