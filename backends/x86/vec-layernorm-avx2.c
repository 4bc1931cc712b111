/* LayerNormalization of one contiguous row, AVX2, in the vmath order with
 * the 16 lanes in two ymm (lanes 0-7, 8-15; tail lanes blended in):
 * mean = (sum x) / n; var = (sum (x - mean)^2) / n; inv = 1 / sqrt(var +
 * eps); y = (x - mean) * inv * scale (+ bias). */
#include <math.h>

#include "backends/x86/vec-math-avx2.h"
#include "backends/x86/vec-ukernels.h"

static inline __m256 sel(__m256 acc, __m256 upd, __m256i m) {
  return _mm256_blendv_ps(acc, upd, _mm256_castsi256_ps(m));
}

/* y = ((x - mean) * inv) * g (+ b), NaN canonical: ln_apply in ref/norm.c. */
static inline __m256 ln_apply(__m256 x, __m256 mean, __m256 inv, __m256 g,
                              const __m256 *b) {
  __m256 y = _mm256_sub_ps(x, mean);
  y = _mm256_mul_ps(y, inv);
  y = _mm256_mul_ps(y, g);
  if (b) y = _mm256_add_ps(y, *b);
  return v256_canon_nan(y);
}

/* Loads of 8 elements, full or the first k (the rest 0). */
static inline __m256 ld32(const float *p) { return _mm256_loadu_ps(p); }
static inline __m256 ld32_k(const float *p, size_t k) {
  return _mm256_maskload_ps(p, v256_mask(k));
}
static inline __m256 ld16(const uint16_t *p) { return v256_ld_f16(p); }
static inline __m256 ld16_k(const uint16_t *p, size_t k) {
  return v256_ld_f16_tail(p, k);
}

void octet_f32_layernorm_ukernel__avx2(size_t n, const void *xv, const void *sv,
                                       const void *bv, float eps, void *yv) {
  const float *x = xv, *s = sv, *b = bv;
  float *y = yv;
  size_t nb = n & ~(size_t)15, t = n & 15;
  size_t tlo = t < 8 ? t : 8, thi = t > 8 ? t - 8 : 0;
  __m256i mlo = v256_mask(tlo), mhi = v256_mask(thi);
  __m256 lo = _mm256_setzero_ps(), hi = lo;
  for (size_t i = 0; i < nb; i += 16) {
    lo = _mm256_add_ps(lo, ld32(x + i));
    hi = _mm256_add_ps(hi, ld32(x + i + 8));
  }
  if (tlo) lo = sel(lo, _mm256_add_ps(lo, ld32_k(x + nb, tlo)), mlo);
  if (thi) hi = sel(hi, _mm256_add_ps(hi, ld32_k(x + nb + 8, thi)), mhi);
  float mean = v256_hsum(lo, hi) / (float)n;
  __m256 vmean = _mm256_set1_ps(mean);
  lo = hi = _mm256_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m256 d0 = _mm256_sub_ps(ld32(x + i), vmean);
    __m256 d1 = _mm256_sub_ps(ld32(x + i + 8), vmean);
    lo = _mm256_add_ps(lo, _mm256_mul_ps(d0, d0));
    hi = _mm256_add_ps(hi, _mm256_mul_ps(d1, d1));
  }
  if (tlo) {
    __m256 d = _mm256_sub_ps(ld32_k(x + nb, tlo), vmean);
    lo = sel(lo, _mm256_add_ps(lo, _mm256_mul_ps(d, d)), mlo);
  }
  if (thi) {
    __m256 d = _mm256_sub_ps(ld32_k(x + nb + 8, thi), vmean);
    hi = sel(hi, _mm256_add_ps(hi, _mm256_mul_ps(d, d)), mhi);
  }
  float var = v256_hsum(lo, hi) / (float)n;
  __m256 inv = _mm256_set1_ps(1.0f / sqrtf(var + eps));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 bias = b ? ld32(b + i) : _mm256_setzero_ps();
    _mm256_storeu_ps(y + i, ln_apply(ld32(x + i), vmean, inv, ld32(s + i),
                                     b ? &bias : NULL));
  }
  if (i < n) {
    size_t k = n - i;
    __m256 bias = b ? ld32_k(b + i, k) : _mm256_setzero_ps();
    _mm256_maskstore_ps(y + i, v256_mask(k),
                        ln_apply(ld32_k(x + i, k), vmean, inv, ld32_k(s + i, k),
                                 b ? &bias : NULL));
  }
}

void octet_f16_layernorm_ukernel__avx2(size_t n, const void *xv, const void *sv,
                                       const void *bv, float eps, void *yv) {
  const uint16_t *x = xv, *s = sv, *b = bv;
  uint16_t *y = yv;
  size_t nb = n & ~(size_t)15, t = n & 15;
  size_t tlo = t < 8 ? t : 8, thi = t > 8 ? t - 8 : 0;
  __m256i mlo = v256_mask(tlo), mhi = v256_mask(thi);
  __m256 lo = _mm256_setzero_ps(), hi = lo;
  for (size_t i = 0; i < nb; i += 16) {
    lo = _mm256_add_ps(lo, ld16(x + i));
    hi = _mm256_add_ps(hi, ld16(x + i + 8));
  }
  if (tlo) lo = sel(lo, _mm256_add_ps(lo, ld16_k(x + nb, tlo)), mlo);
  if (thi) hi = sel(hi, _mm256_add_ps(hi, ld16_k(x + nb + 8, thi)), mhi);
  float mean = v256_hsum(lo, hi) / (float)n;
  __m256 vmean = _mm256_set1_ps(mean);
  lo = hi = _mm256_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m256 d0 = _mm256_sub_ps(ld16(x + i), vmean);
    __m256 d1 = _mm256_sub_ps(ld16(x + i + 8), vmean);
    lo = _mm256_add_ps(lo, _mm256_mul_ps(d0, d0));
    hi = _mm256_add_ps(hi, _mm256_mul_ps(d1, d1));
  }
  if (tlo) {
    __m256 d = _mm256_sub_ps(ld16_k(x + nb, tlo), vmean);
    lo = sel(lo, _mm256_add_ps(lo, _mm256_mul_ps(d, d)), mlo);
  }
  if (thi) {
    __m256 d = _mm256_sub_ps(ld16_k(x + nb + 8, thi), vmean);
    hi = sel(hi, _mm256_add_ps(hi, _mm256_mul_ps(d, d)), mhi);
  }
  float var = v256_hsum(lo, hi) / (float)n;
  __m256 inv = _mm256_set1_ps(1.0f / sqrtf(var + eps));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 bias = b ? ld16(b + i) : _mm256_setzero_ps();
    v256_st_f16(y + i, ln_apply(ld16(x + i), vmean, inv, ld16(s + i),
                                b ? &bias : NULL));
  }
  if (i < n) {
    size_t k = n - i;
    __m256 bias = b ? ld16_k(b + i, k) : _mm256_setzero_ps();
    v256_st_f16_tail(y + i, k,
                     ln_apply(ld16_k(x + i, k), vmean, inv, ld16_k(s + i, k),
                              b ? &bias : NULL));
  }
}
