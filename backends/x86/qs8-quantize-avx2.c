/* Per-row dynamic activation quantization, AVX2: bit-identical to
 * octet_qs8_quantize_rows_scalar (same passes as the AVX-512 version, 8 and
 * 32 values at a time; the tail goes through a zero-padded copy). */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "backends/x86/qs8-gemm.h"
#include "core/quant.h"

/* 32 floats -> 32 bytes u8 = clamp(cvt(x * inv), -127, 127) + 128. */
static inline __m256i quant32(const float *x, __m256 inv) {
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), inv));
  __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), inv));
  __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), inv));
  __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), inv));
  __m256i b = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1),
                                 _mm256_packs_epi32(i2, i3));
  b = _mm256_permutevar8x32_epi32(b, order);
  b = _mm256_max_epi8(b, _mm256_set1_epi8(-127));
  return _mm256_xor_si256(b, _mm256_set1_epi8((char)0x80));
}

void octet_qs8_quantize_rows__avx2(const float *a, size_t M, size_t K,
                                   size_t lda, void *q_, size_t ldq,
                                   float *scale) {
  uint8_t *q = q_;
  const size_t kp = (K + 3) / 4 * 4;
  const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  for (size_t m = 0; m < M; m++, a += lda, q += ldq) {
    __m256 v0 = _mm256_setzero_ps(), v1 = _mm256_setzero_ps();
    size_t k = 0;
    for (; k + 16 <= K; k += 16) { /* vmaxps(x, acc): a NaN x keeps acc */
      v0 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(a + k), absmask), v0);
      v1 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(a + k + 8), absmask), v1);
    }
    v0 = _mm256_max_ps(v0, v1);
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(v0), _mm256_extractf128_ps(v0, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
    float amax = _mm_cvtss_f32(h);
    for (; k < K; k++) {
      float v = fabsf(a[k]);
      if (v > amax) amax = v;
    }
    float inv;
    octet_q8_row_scale(amax, &scale[m], &inv);
    const __m256 vinv = _mm256_set1_ps(inv);
    for (k = 0; k + 32 <= K; k += 32)
      _mm256_storeu_si256((__m256i *)(q + k), quant32(a + k, vinv));
    if (k < kp) {
      float buf[32] = {0};
      uint8_t out[32];
      memcpy(buf, a + k, (K - k) * sizeof(float));
      _mm256_storeu_si256((__m256i *)out, quant32(buf, vinv));
      memcpy(q + k, out, kp - k);
    }
  }
}
