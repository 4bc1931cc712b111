/* LayerNormalization of one contiguous row, AVX-512, in the vmath order:
 * mean = (sum x, 16 lanes) / n; var = (sum (x - mean)^2, 16 lanes) / n;
 * inv = 1 / sqrt(var + eps); y = (x - mean) * inv * scale (+ bias). */
#include <math.h>

#include "backends/x86/vec-math-avx512.h"
#include "backends/x86/vec-ukernels.h"

/* y = ((x - mean) * inv) * g (+ b), NaN canonical: ln_apply in ref/norm.c. */
static inline __m512 ln_apply(__m512 x, __m512 mean, __m512 inv, __m512 g,
                              const __m512 *b) {
  __m512 y = _mm512_sub_ps(x, mean);
  y = _mm512_mul_ps(y, inv);
  y = _mm512_mul_ps(y, g);
  if (b) y = _mm512_add_ps(y, *b);
  return v512_canon_nan(y);
}

void octet_f32_layernorm_ukernel__avx512(size_t n, const void *xv,
                                         const void *sv, const void *bv,
                                         float eps, void *yv) {
  const float *x = xv, *s = sv, *b = bv;
  float *y = yv;
  size_t nb = n & ~(size_t)15;
  __mmask16 tm = v512_tail_mask(n & 15);
  __m512 acc = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16)
    acc = _mm512_add_ps(acc, _mm512_loadu_ps(x + i));
  if (tm)
    acc = _mm512_mask_add_ps(acc, tm, acc, _mm512_maskz_loadu_ps(tm, x + nb));
  float mean = v512_hsum(acc) / (float)n;
  __m512 vmean = _mm512_set1_ps(mean);
  acc = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m512 d = _mm512_sub_ps(_mm512_loadu_ps(x + i), vmean);
    acc = _mm512_add_ps(acc, _mm512_mul_ps(d, d));
  }
  if (tm) {
    __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(tm, x + nb), vmean);
    acc = _mm512_mask_add_ps(acc, tm, acc, _mm512_mul_ps(d, d));
  }
  float var = v512_hsum(acc) / (float)n;
  __m512 inv = _mm512_set1_ps(1.0f / sqrtf(var + eps));
  for (size_t i = 0; i < nb; i += 16) {
    __m512 bias = b ? _mm512_loadu_ps(b + i) : _mm512_setzero_ps();
    _mm512_storeu_ps(y + i, ln_apply(_mm512_loadu_ps(x + i), vmean, inv,
                                     _mm512_loadu_ps(s + i), b ? &bias : NULL));
  }
  if (tm) {
    __m512 bias = b ? _mm512_maskz_loadu_ps(tm, b + nb) : _mm512_setzero_ps();
    _mm512_mask_storeu_ps(
        y + nb, tm,
        ln_apply(_mm512_maskz_loadu_ps(tm, x + nb), vmean, inv,
                 _mm512_maskz_loadu_ps(tm, s + nb), b ? &bias : NULL));
  }
}

void octet_f16_layernorm_ukernel__avx512(size_t n, const void *xv,
                                         const void *sv, const void *bv,
                                         float eps, void *yv) {
  const uint16_t *x = xv, *s = sv, *b = bv;
  uint16_t *y = yv;
  size_t nb = n & ~(size_t)15;
  __mmask16 tm = v512_tail_mask(n & 15);
  __m512 acc = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16)
    acc = _mm512_add_ps(acc, v512_ld_f16(x + i));
  if (tm) acc = _mm512_mask_add_ps(acc, tm, acc, v512_ld_f16_tail(x + nb, tm));
  float mean = v512_hsum(acc) / (float)n;
  __m512 vmean = _mm512_set1_ps(mean);
  acc = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m512 d = _mm512_sub_ps(v512_ld_f16(x + i), vmean);
    acc = _mm512_add_ps(acc, _mm512_mul_ps(d, d));
  }
  if (tm) {
    __m512 d = _mm512_sub_ps(v512_ld_f16_tail(x + nb, tm), vmean);
    acc = _mm512_mask_add_ps(acc, tm, acc, _mm512_mul_ps(d, d));
  }
  float var = v512_hsum(acc) / (float)n;
  __m512 inv = _mm512_set1_ps(1.0f / sqrtf(var + eps));
  for (size_t i = 0; i < nb; i += 16) {
    __m512 bias = b ? v512_ld_f16(b + i) : _mm512_setzero_ps();
    v512_st_f16(y + i, ln_apply(v512_ld_f16(x + i), vmean, inv,
                                v512_ld_f16(s + i), b ? &bias : NULL));
  }
  if (tm) {
    __m512 bias = b ? v512_ld_f16_tail(b + nb, tm) : _mm512_setzero_ps();
    v512_st_f16_tail(y + nb, tm,
                     ln_apply(v512_ld_f16_tail(x + nb, tm), vmean, inv,
                              v512_ld_f16_tail(s + nb, tm), b ? &bias : NULL));
  }
}
