/* Softmax of one contiguous row, AVX-512: the vmath order (16 lanes in one
 * zmm; the n % 16 tail goes to lanes 0..tail-1 under a mask):
 * m = max x, e = exp(x - m), s = sum e, y = e * (1/s), NaN canonical. float32
 * keeps e in y between the passes; float16 keeps it in a stack buffer for rows
 * of up to VEC_SOFTMAX_F16_KEEP elements and recomputes it (the same value) for
 * longer ones. */
#include <math.h>
#include <stdbool.h>

#include "backends/x86/vec-math-avx512.h"
#include "backends/x86/vec-ukernels.h"

#define VEC_SOFTMAX_F16_KEEP 4096

void octet_f32_softmax_ukernel__avx512(size_t n, const void *xv, void *yv) {
  const float *x = xv;
  float *y = yv;
  size_t nb = n & ~(size_t)15;
  __mmask16 tm = v512_tail_mask(n & 15);
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  for (size_t i = 0; i < nb; i += 16)
    vmax = _mm512_max_ps(vmax, _mm512_loadu_ps(x + i));
  if (tm)
    vmax =
        _mm512_mask_max_ps(vmax, tm, vmax, _mm512_maskz_loadu_ps(tm, x + nb));
  __m512 m = _mm512_set1_ps(v512_hmax(vmax));
  __m512 vsum = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m512 e = v512_exp(_mm512_sub_ps(_mm512_loadu_ps(x + i), m));
    _mm512_storeu_ps(y + i, e);
    vsum = _mm512_add_ps(vsum, e);
  }
  if (tm) {
    __m512 e = v512_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(tm, x + nb), m));
    _mm512_mask_storeu_ps(y + nb, tm, e);
    vsum = _mm512_mask_add_ps(vsum, tm, vsum, e);
  }
  __m512 inv = _mm512_set1_ps(1.0f / v512_hsum(vsum));
  for (size_t i = 0; i < nb; i += 16)
    _mm512_storeu_ps(
        y + i, v512_canon_nan(_mm512_mul_ps(_mm512_loadu_ps(y + i), inv)));
  if (tm)
    _mm512_mask_storeu_ps(
        y + nb, tm,
        v512_canon_nan(_mm512_mul_ps(_mm512_maskz_loadu_ps(tm, y + nb), inv)));
}

void octet_f16_softmax_ukernel__avx512(size_t n, const void *xv, void *yv) {
  const uint16_t *x = xv;
  uint16_t *y = yv;
  float e32[VEC_SOFTMAX_F16_KEEP]; /* e, for rows that fit */
  bool keep = n <= VEC_SOFTMAX_F16_KEEP;
  size_t nb = n & ~(size_t)15;
  __mmask16 tm = v512_tail_mask(n & 15);
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  for (size_t i = 0; i < nb; i += 16)
    vmax = _mm512_max_ps(vmax, v512_ld_f16(x + i));
  if (tm)
    vmax = _mm512_mask_max_ps(vmax, tm, vmax, v512_ld_f16_tail(x + nb, tm));
  __m512 m = _mm512_set1_ps(v512_hmax(vmax));
  __m512 vsum = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m512 e = v512_exp(_mm512_sub_ps(v512_ld_f16(x + i), m));
    if (keep) _mm512_storeu_ps(e32 + i, e);
    vsum = _mm512_add_ps(vsum, e);
  }
  if (tm) {
    __m512 e = v512_exp(_mm512_sub_ps(v512_ld_f16_tail(x + nb, tm), m));
    if (keep) _mm512_mask_storeu_ps(e32 + nb, tm, e);
    vsum = _mm512_mask_add_ps(vsum, tm, vsum, e);
  }
  __m512 inv = _mm512_set1_ps(1.0f / v512_hsum(vsum));
  for (size_t i = 0; i < nb; i += 16) {
    __m512 e = keep ? _mm512_loadu_ps(e32 + i)
                    : v512_exp(_mm512_sub_ps(v512_ld_f16(x + i), m));
    v512_st_f16(y + i, v512_canon_nan(_mm512_mul_ps(e, inv)));
  }
  if (tm) {
    __m512 e = keep ? _mm512_maskz_loadu_ps(tm, e32 + nb)
                    : v512_exp(_mm512_sub_ps(v512_ld_f16_tail(x + nb, tm), m));
    v512_st_f16_tail(y + nb, tm, v512_canon_nan(_mm512_mul_ps(e, inv)));
  }
}
