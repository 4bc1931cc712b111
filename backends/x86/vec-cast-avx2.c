/* Cast float32 <-> float16, AVX2 + F16C (VCVTPS2PH round to nearest even /
 * VCVTPH2PS), 16 elements per step, the tail through buffers. NaNs come out
 * as octet_fp32_to_fp16 / octet_fp16_to_fp32 make them, so the result
 * equals the ref bit for bit: float32 NaN -> sign | 0x7e00, and a
 * signalling half NaN keeps its quiet bit clear. */
#include "backends/x86/vec-math-avx2.h"
#include "backends/x86/vec-ukernels.h"

void octet_f32_f16_vcvt_ukernel__avx2(size_t n, const void *xv, void *yv) {
  const float *x = xv;
  uint16_t *y = yv;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i a = v256_to_f16(_mm256_loadu_ps(x + i));
    __m128i b = v256_to_f16(_mm256_loadu_ps(x + i + 8));
    _mm_storeu_si128((__m128i *)(y + i), a);
    _mm_storeu_si128((__m128i *)(y + i + 8), b);
  }
  for (; i + 8 <= n; i += 8) v256_st_f16(y + i, _mm256_loadu_ps(x + i));
  if (i < n)
    v256_st_f16_tail(y + i, n - i, _mm256_maskload_ps(x + i, v256_mask(n - i)));
}

/* VCVTPH2PS sets the quiet bit of a signalling NaN; clear it again. */
static inline __m256 f16_to_f32(__m128i h) {
  __m256 v = _mm256_cvtph_ps(h);
  __m256i w = _mm256_cvtepu16_epi32(h);
  __m256i nan =
      _mm256_cmpeq_epi32(_mm256_and_si256(w, _mm256_set1_epi32(0x7e00)),
                         _mm256_set1_epi32(0x7c00));
  __m256i man0 = _mm256_cmpeq_epi32(
      _mm256_and_si256(w, _mm256_set1_epi32(0x03ff)), _mm256_setzero_si256());
  __m256i snan = _mm256_andnot_si256(man0, nan);
  __m256i clear = _mm256_and_si256(snan, _mm256_set1_epi32(0x00400000));
  return _mm256_castsi256_ps(
      _mm256_andnot_si256(clear, _mm256_castps_si256(v)));
}

void octet_f16_f32_vcvt_ukernel__avx2(size_t n, const void *xv, void *yv) {
  const uint16_t *x = xv;
  float *y = yv;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = f16_to_f32(_mm_loadu_si128((const __m128i *)(x + i)));
    __m256 b = f16_to_f32(_mm_loadu_si128((const __m128i *)(x + i + 8)));
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
  }
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i,
                     f16_to_f32(_mm_loadu_si128((const __m128i *)(x + i))));
  if (i < n) {
    uint16_t buf[8] = {0};
    memcpy(buf, x + i, (n - i) * sizeof *x);
    _mm256_maskstore_ps(y + i, v256_mask(n - i),
                        f16_to_f32(_mm_loadu_si128((const __m128i *)buf)));
  }
}
