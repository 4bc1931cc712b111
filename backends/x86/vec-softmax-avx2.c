/* Softmax of one contiguous row, AVX2: the vmath order with the 16 lanes
 * in two ymm (lanes 0-7 and 8-15); the n % 16 tail goes to lanes
 * 0..tail-1 (masked loads, blends keep the other lanes unchanged):
 * m = max x, e = exp(x - m), s = sum e, y = e * (1/s), NaN canonical. float32
 * keeps e in y between the passes; float16 keeps it in a stack buffer for rows
 * of up to VEC_SOFTMAX_F16_KEEP elements and recomputes it (the same value) for
 * longer ones. */
#include <math.h>
#include <stdbool.h>

#include "backends/x86/vec-math-avx2.h"
#include "backends/x86/vec-ukernels.h"

#define VEC_SOFTMAX_F16_KEEP 4096

/* Lane-exact accumulation of a partial vector: acc = m ? acc op v : acc. */
static inline __m256 sel(__m256 acc, __m256 upd, __m256i m) {
  return _mm256_blendv_ps(acc, upd, _mm256_castsi256_ps(m));
}

void octet_f32_softmax_ukernel__avx2(size_t n, const void *xv, void *yv) {
  const float *x = xv;
  float *y = yv;
  size_t nb = n & ~(size_t)15, t = n & 15;
  size_t tlo = t < 8 ? t : 8, thi = t > 8 ? t - 8 : 0;
  __m256i mlo = v256_mask(tlo), mhi = v256_mask(thi);
  __m256 lo = _mm256_set1_ps(-INFINITY), hi = lo;
  for (size_t i = 0; i < nb; i += 16) {
    lo = _mm256_max_ps(lo, _mm256_loadu_ps(x + i));
    hi = _mm256_max_ps(hi, _mm256_loadu_ps(x + i + 8));
  }
  if (tlo)
    lo = sel(lo, _mm256_max_ps(lo, _mm256_maskload_ps(x + nb, mlo)), mlo);
  if (thi)
    hi = sel(hi, _mm256_max_ps(hi, _mm256_maskload_ps(x + nb + 8, mhi)), mhi);
  __m256 m = _mm256_set1_ps(v256_hmax(lo, hi));
  lo = hi = _mm256_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m256 e0 = v256_exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    __m256 e1 = v256_exp(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), m));
    _mm256_storeu_ps(y + i, e0);
    _mm256_storeu_ps(y + i + 8, e1);
    lo = _mm256_add_ps(lo, e0);
    hi = _mm256_add_ps(hi, e1);
  }
  if (tlo) {
    __m256 e = v256_exp(_mm256_sub_ps(_mm256_maskload_ps(x + nb, mlo), m));
    _mm256_maskstore_ps(y + nb, mlo, e);
    lo = sel(lo, _mm256_add_ps(lo, e), mlo);
  }
  if (thi) {
    __m256 e = v256_exp(_mm256_sub_ps(_mm256_maskload_ps(x + nb + 8, mhi), m));
    _mm256_maskstore_ps(y + nb + 8, mhi, e);
    hi = sel(hi, _mm256_add_ps(hi, e), mhi);
  }
  __m256 inv = _mm256_set1_ps(1.0f / v256_hsum(lo, hi));
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(
        y + i, v256_canon_nan(_mm256_mul_ps(_mm256_loadu_ps(y + i), inv)));
  if (i < n) {
    __m256i mk = v256_mask(n - i);
    _mm256_maskstore_ps(
        y + i, mk,
        v256_canon_nan(_mm256_mul_ps(_mm256_maskload_ps(y + i, mk), inv)));
  }
}

void octet_f16_softmax_ukernel__avx2(size_t n, const void *xv, void *yv) {
  const uint16_t *x = xv;
  uint16_t *y = yv;
  float e32[VEC_SOFTMAX_F16_KEEP]; /* e, for rows that fit */
  bool keep = n <= VEC_SOFTMAX_F16_KEEP;
  size_t nb = n & ~(size_t)15, t = n & 15;
  size_t tlo = t < 8 ? t : 8, thi = t > 8 ? t - 8 : 0;
  __m256i mlo = v256_mask(tlo), mhi = v256_mask(thi);
  __m256 lo = _mm256_set1_ps(-INFINITY), hi = lo;
  for (size_t i = 0; i < nb; i += 16) {
    lo = _mm256_max_ps(lo, v256_ld_f16(x + i));
    hi = _mm256_max_ps(hi, v256_ld_f16(x + i + 8));
  }
  if (tlo) lo = sel(lo, _mm256_max_ps(lo, v256_ld_f16_tail(x + nb, tlo)), mlo);
  if (thi)
    hi = sel(hi, _mm256_max_ps(hi, v256_ld_f16_tail(x + nb + 8, thi)), mhi);
  __m256 m = _mm256_set1_ps(v256_hmax(lo, hi));
  lo = hi = _mm256_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m256 e0 = v256_exp(_mm256_sub_ps(v256_ld_f16(x + i), m));
    __m256 e1 = v256_exp(_mm256_sub_ps(v256_ld_f16(x + i + 8), m));
    if (keep) {
      _mm256_storeu_ps(e32 + i, e0);
      _mm256_storeu_ps(e32 + i + 8, e1);
    }
    lo = _mm256_add_ps(lo, e0);
    hi = _mm256_add_ps(hi, e1);
  }
  if (tlo) {
    __m256 e = v256_exp(_mm256_sub_ps(v256_ld_f16_tail(x + nb, tlo), m));
    if (keep) _mm256_maskstore_ps(e32 + nb, mlo, e);
    lo = sel(lo, _mm256_add_ps(lo, e), mlo);
  }
  if (thi) {
    __m256 e = v256_exp(_mm256_sub_ps(v256_ld_f16_tail(x + nb + 8, thi), m));
    if (keep) _mm256_maskstore_ps(e32 + nb + 8, mhi, e);
    hi = sel(hi, _mm256_add_ps(hi, e), mhi);
  }
  __m256 inv = _mm256_set1_ps(1.0f / v256_hsum(lo, hi));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 e = keep ? _mm256_loadu_ps(e32 + i)
                    : v256_exp(_mm256_sub_ps(v256_ld_f16(x + i), m));
    v256_st_f16(y + i, v256_canon_nan(_mm256_mul_ps(e, inv)));
  }
  if (i < n) {
    __m256 e = keep
                   ? _mm256_maskload_ps(e32 + i, v256_mask(n - i))
                   : v256_exp(_mm256_sub_ps(v256_ld_f16_tail(x + i, n - i), m));
    v256_st_f16_tail(y + i, n - i, v256_canon_nan(_mm256_mul_ps(e, inv)));
  }
}
