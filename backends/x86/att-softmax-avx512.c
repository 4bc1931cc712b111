/* OctetAttention's score rows, AVX-512 float32 (common/attention.h,
 * octet_att_softmax_rows_fn): scale, mask and Softmax in one kernel. Each
 * element gets exactly the operations of the separate kernels it replaces
 * (vmulc / vdivc, vadd / vaddc, then octet_f32_softmax_ukernel__avx512:
 * the vmath order, 16 lanes in a zmm, the n % 16 tail in lanes
 * 0..tail-1 under a mask), so the result is theirs bit for bit.
 *
 * Rows of up to 32 elements (attention over short sequences) stay in
 * registers from load to store, four rows at a time: the four rows'
 * dependency chains (max tree, exp, sum tree, division) interleave, which
 * is what bounds a single short row. Longer rows go one at a time in three
 * passes over y. exp and the NaN canonicalisation are cut to what
 * softmax's arguments need (sm_exp, inverse), still bit-identical. */
#include <math.h>
#include <stdbool.h>

#include "backends/x86/attention.h"
#include "backends/x86/vec-math-avx512.h"

#define RB 4 /* rows in flight */

/* v512_exp (vm_exp) for the arguments softmax gives it, x = z - max z:
 * bit for bit the same result with 7 of its 34 operations left out.
 * In a row without NaN the max is exact, so x <= 0 (or -inf - -inf = NaN
 * when every z is -inf); in a row with a NaN (or a +inf, whose x is
 * inf - inf) some e is NaN, so the sum, 1/sum and every output are NaN,
 * canonical after v512_canon_nan whatever the other lanes computed. So
 * only x <= 0 (and NaN, which stays NaN here too) matters, and there:
 *  - vm_exp's upper clamp min(89, x) returns x;
 *  - n = round(x log2 e) is in [-126, 0] (x >= VM_EXP_MIN), so 2^n is a
 *    normal float whose bits are (n + 127) << 23 = (bits(t) + 127) << 23
 *    (t = magic + n, bits(t) = 0x4b400000 + n, and 0x4b400000 << 23 wraps
 *    to 0): one multiply by 2^n rounds p * 2^n once, as vm_exp's two
 *    multiplies by 2^(n>>1) and 2^(n-(n>>1)) do (the first is exact: p is
 *    in [0.7, 1.5], far from the subnormals). */
static inline __m512 sm_exp(__m512 x) {
  __m512 xc = _mm512_max_ps(_mm512_set1_ps(VM_EXP_MIN), x);
  __m512 t = _mm512_mul_ps(xc, _mm512_set1_ps(VM_EXP_LOG2E));
  t = _mm512_add_ps(t, _mm512_set1_ps(VM_EXP_MAGIC));
  __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(VM_EXP_MAGIC));
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
  __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(
      _mm512_add_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(127)), 23));
  p = _mm512_mul_ps(p, scale);
  __mmask16 tiny = _mm512_cmp_ps_mask(x, _mm512_set1_ps(VM_EXP_MIN), _CMP_LT_OQ);
  return _mm512_maskz_mov_ps((__mmask16)~tiny, p);
}

/* 1 / sum, and whether outputs e * (1 / sum) can be NaN at all: with a
 * finite positive sum every e is finite and no product is NaN, so
 * v512_canon_nan would change nothing. */
static inline __m512 inverse(__m512 vsum, bool *nan) {
  const float sum = v512_hsum(vsum);
  *nan = !(sum > 0.0f && sum < INFINITY);
  return _mm512_set1_ps(1.0f / sum);
}

static inline __m512 out(__m512 e, __m512 inv, bool nan) {
  __m512 y = _mm512_mul_ps(e, inv);
  return nan ? v512_canon_nan(y) : y;
}
#define INLINE static inline __attribute__((always_inline))

typedef struct srow_args {
  int op;            /* 0 none, 1 x * c, 2 x / c */
  __m512 c;          /* the scale, broadcast */
  const float *mask; /* NULL: no mask */
  size_t ldm;
  bool mcols;        /* the mask row has n values (else one, broadcast) */
} srow_args;

/* z = x (* c | / c) (+ m) for the lanes of t (all when full), as
 * vmulc / vdivc then vadd / vaddc compute it. */
INLINE __m512 scores(const srow_args *s, const float *x, const float *m, bool full,
                     __mmask16 t) {
  __m512 v = full ? _mm512_loadu_ps(x) : _mm512_maskz_loadu_ps(t, x);
  if (s->op == 1) v = _mm512_mul_ps(v, s->c);
  if (s->op == 2) v = _mm512_div_ps(v, s->c);
  if (m) {
    __m512 mv = !s->mcols     ? _mm512_set1_ps(m[0])
                : full        ? _mm512_loadu_ps(m)
                              : _mm512_maskz_loadu_ps(t, m);
    v = _mm512_add_ps(v, mv);
  }
  return v;
}

/* R rows of NV (1 or 2) vectors; the last vector is full or covers the
 * lanes of t. */
INLINE void short_rows(const int R, const int NV, const bool LAST_FULL, const srow_args *s,
                       const float *x, size_t ldx, const float *mask, float *y, size_t ldy,
                       __mmask16 t) {
  __m512 z[RB][2], vmax[RB], vsum[RB], m[RB], inv[RB];
  bool nan[RB];
  for (int r = 0; r < R; r++) {
    const float *xr = x + (size_t)r * ldx;
    const float *mr = mask ? mask + (size_t)r * s->ldm : NULL;
    for (int v = 0; v < NV; v++) {
      const bool full = v < NV - 1 || LAST_FULL;
      z[r][v] = scores(s, xr + 16 * v, mr && s->mcols ? mr + 16 * v : mr, full, t);
    }
  }
  for (int r = 0; r < R; r++) {
    vmax[r] = _mm512_set1_ps(-INFINITY);
    for (int v = 0; v < NV; v++) {
      const bool full = v < NV - 1 || LAST_FULL;
      vmax[r] = full ? _mm512_max_ps(vmax[r], z[r][v])
                     : _mm512_mask_max_ps(vmax[r], t, vmax[r], z[r][v]);
    }
  }
  for (int r = 0; r < R; r++) m[r] = _mm512_set1_ps(v512_hmax(vmax[r]));
  for (int r = 0; r < R; r++) {
    vsum[r] = _mm512_setzero_ps();
    for (int v = 0; v < NV; v++) {
      const bool full = v < NV - 1 || LAST_FULL;
      z[r][v] = sm_exp(_mm512_sub_ps(z[r][v], m[r]));
      vsum[r] = full ? _mm512_add_ps(vsum[r], z[r][v])
                     : _mm512_mask_add_ps(vsum[r], t, vsum[r], z[r][v]);
    }
  }
  for (int r = 0; r < R; r++) inv[r] = inverse(vsum[r], &nan[r]);
  for (int r = 0; r < R; r++) {
    float *yr = y + (size_t)r * ldy;
    for (int v = 0; v < NV; v++) {
      const bool full = v < NV - 1 || LAST_FULL;
      __m512 o = out(z[r][v], inv[r], nan[r]);
      if (full)
        _mm512_storeu_ps(yr + 16 * v, o);
      else
        _mm512_mask_storeu_ps(yr + 16 * v, t, o);
    }
  }
}

INLINE void short_all(const int NV, const bool LAST_FULL, size_t rows, const srow_args *s,
                      const float *x, size_t ldx, float *y, size_t ldy, __mmask16 t) {
  size_t r = 0;
  const float *mask = s->mask;
  for (; r + RB <= rows; r += RB) {
    short_rows(RB, NV, LAST_FULL, s, x + r * ldx, ldx, mask ? mask + r * s->ldm : NULL,
               y + r * ldy, ldy, t);
  }
  for (; r < rows; r++)
    short_rows(1, NV, LAST_FULL, s, x + r * ldx, ldx, mask ? mask + r * s->ldm : NULL,
               y + r * ldy, ldy, t);
}

/* One row of any length: z into y, then e into y, then the scaled y. */
static void long_row(size_t n, const srow_args *s, const float *x, const float *mr, float *y) {
  const size_t nb = n & ~(size_t)15;
  const __mmask16 tm = v512_tail_mask(n & 15);
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  for (size_t i = 0; i < nb; i += 16) {
    __m512 z = scores(s, x + i, mr && s->mcols ? mr + i : mr, true, 0);
    _mm512_storeu_ps(y + i, z);
    vmax = _mm512_max_ps(vmax, z);
  }
  if (tm) {
    __m512 z = scores(s, x + nb, mr && s->mcols ? mr + nb : mr, false, tm);
    _mm512_mask_storeu_ps(y + nb, tm, z);
    vmax = _mm512_mask_max_ps(vmax, tm, vmax, z);
  }
  const __m512 m = _mm512_set1_ps(v512_hmax(vmax));
  __m512 vsum = _mm512_setzero_ps();
  for (size_t i = 0; i < nb; i += 16) {
    __m512 e = sm_exp(_mm512_sub_ps(_mm512_loadu_ps(y + i), m));
    _mm512_storeu_ps(y + i, e);
    vsum = _mm512_add_ps(vsum, e);
  }
  if (tm) {
    __m512 e = sm_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(tm, y + nb), m));
    _mm512_mask_storeu_ps(y + nb, tm, e);
    vsum = _mm512_mask_add_ps(vsum, tm, vsum, e);
  }
  bool nan;
  const __m512 inv = inverse(vsum, &nan);
  for (size_t i = 0; i < nb; i += 16)
    _mm512_storeu_ps(y + i, out(_mm512_loadu_ps(y + i), inv, nan));
  if (tm) _mm512_mask_storeu_ps(y + nb, tm, out(_mm512_maskz_loadu_ps(tm, y + nb), inv, nan));
}

void octet_f32_att_softmax_rows__avx512(size_t rows, size_t n, const float *x, size_t ldx,
                                        int scale_op, float c, const float *mask, size_t ldm,
                                        bool mask_cols, float *y, size_t ldy) {
  const srow_args s = {.op = scale_op, .c = _mm512_set1_ps(c), .mask = mask, .ldm = ldm,
                       .mcols = mask_cols};
  const __mmask16 t = v512_tail_mask(n & 15);
  if (n == 32)
    short_all(2, true, rows, &s, x, ldx, y, ldy, t);
  else if (n > 16 && n < 32)
    short_all(2, false, rows, &s, x, ldx, y, ldy, t);
  else if (n == 16)
    short_all(1, true, rows, &s, x, ldx, y, ldy, t);
  else if (n < 16)
    short_all(1, false, rows, &s, x, ldx, y, ldy, t);
  else
    for (size_t r = 0; r < rows; r++)
      long_row(n, &s, x + r * ldx, mask ? mask + r * ldm : NULL, y + r * ldy);
}
