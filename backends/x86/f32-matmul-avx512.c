/* fp32 activation MatMul for AVX-512 (f32-matmul.h): tiles of up to 8 rows
 * x 32 columns (two zmm per row) held in 16 accumulators over all of K;
 * per group of 4 k the 4 B rows of the tile (8 zmm) are loaded once and
 * used for every row, A values broadcast from memory. Columns past N are
 * loaded and stored under a mask (no memory is touched in the off lanes),
 * so rows are never read or written past their width.
 *
 * Every element gets exactly ref's sequence (groups of 4 k restarting every
 * 256, separate mul and add, no FMA; built with -ffp-contract=off), so
 * results are bit-identical to the ref backend. */
#include <immintrin.h>
#include <stdbool.h>
#include <string.h>

#include "backends/x86/f32-matmul.h"

#define KBLOCK 256 /* ref's KB: the groups of 4 restart at each block */
#define MR 8
#define INLINE static inline __attribute__((always_inline))

/* Mask of lanes [0, left) of 16. */
static inline __mmask16 lanes(size_t left) {
  return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}

INLINE __m512 ld(const float *p, bool full, __mmask16 m) {
  return full ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(m, p);
}

INLINE void st(float *p, bool full, __mmask16 m, __m512 v) {
  if (full)
    _mm512_storeu_ps(p, v);
  else
    _mm512_mask_storeu_ps(p, m, v);
}

/* c + (((a0*b0 + a1*b1) + a2*b2) + a3*b3) */
INLINE __m512 group4(__m512 c, const float *a, __m512 b0, __m512 b1, __m512 b2, __m512 b3) {
  __m512 t = _mm512_mul_ps(_mm512_set1_ps(a[0]), b0);
  t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(a[1]), b1));
  t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(a[2]), b2));
  t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(a[3]), b3));
  return _mm512_add_ps(c, t);
}

/* c + a*b */
INLINE __m512 step1(__m512 c, const float *a, __m512 b) {
  return _mm512_add_ps(c, _mm512_mul_ps(_mm512_set1_ps(a[0]), b));
}

/* Rows [0, R) of A against NV (1 or 2) vectors of 16 columns of B at b.
 * FULL: every column is in; otherwise vector v covers the lanes of mask
 * m[v]. */
INLINE void tile(const size_t R, const int NV, const bool FULL, size_t K, const float *a,
                 size_t lda, const float *b, size_t ldb, float *c, size_t ldc, __mmask16 m0,
                 __mmask16 m1) {
  __m512 acc0[MR], acc1[MR];
  for (size_t r = 0; r < R; r++) acc0[r] = acc1[r] = _mm512_setzero_ps();
  for (size_t k0 = 0; k0 < K; k0 += KBLOCK) {
    const size_t kn = K - k0 < KBLOCK ? K - k0 : KBLOCK;
    size_t q = 0;
    for (; q + 4 <= kn; q += 4) {
      const size_t k = k0 + q;
      const float *br = b + k * ldb;
      const __m512 b00 = ld(br, FULL, m0), b10 = ld(br + ldb, FULL, m0);
      const __m512 b20 = ld(br + 2 * ldb, FULL, m0), b30 = ld(br + 3 * ldb, FULL, m0);
      if (NV == 1) {
        for (size_t r = 0; r < R; r++)
          acc0[r] = group4(acc0[r], a + r * lda + k, b00, b10, b20, b30);
        continue;
      }
      const __m512 b01 = ld(br + 16, FULL, m1), b11 = ld(br + ldb + 16, FULL, m1);
      const __m512 b21 = ld(br + 2 * ldb + 16, FULL, m1), b31 = ld(br + 3 * ldb + 16, FULL, m1);
      for (size_t r = 0; r < R; r++) {
        acc0[r] = group4(acc0[r], a + r * lda + k, b00, b10, b20, b30);
        acc1[r] = group4(acc1[r], a + r * lda + k, b01, b11, b21, b31);
      }
    }
    for (; q < kn; q++) {
      const size_t k = k0 + q;
      const float *br = b + k * ldb;
      const __m512 b0 = ld(br, FULL, m0);
      const __m512 b1 = NV == 2 ? ld(br + 16, FULL, m1) : b0;
      for (size_t r = 0; r < R; r++) {
        acc0[r] = step1(acc0[r], a + r * lda + k, b0);
        if (NV == 2) acc1[r] = step1(acc1[r], a + r * lda + k, b1);
      }
    }
  }
  for (size_t r = 0; r < R; r++) {
    st(c + r * ldc, FULL, m0, acc0[r]);
    if (NV == 2) st(c + r * ldc + 16, FULL, m1, acc1[r]);
  }
}

/* Rows [0, R) against every column: full 32-wide tiles, then the edge. */
INLINE void row_block(const size_t R, size_t N, size_t K, const float *a, size_t lda,
                      const float *b, size_t ldb, float *c, size_t ldc) {
  size_t j = 0;
  for (; j + 32 <= N; j += 32) tile(R, 2, true, K, a, lda, b + j, ldb, c + j, ldc, 0, 0);
  const size_t left = N - j;
  if (left > 16)
    tile(R, 2, false, K, a, lda, b + j, ldb, c + j, ldc, 0xFFFF, lanes(left - 16));
  else if (left == 16)
    tile(R, 1, true, K, a, lda, b + j, ldb, c + j, ldc, 0, 0);
  else if (left > 0)
    tile(R, 1, false, K, a, lda, b + j, ldb, c + j, ldc, lanes(left), 0);
}

void octet_f32_matmul__avx512(size_t M, size_t N, size_t K, const float *a, size_t lda,
                              const float *b, size_t ldb, float *c, size_t ldc) {
  if (K == 0) {
    for (size_t i = 0; i < M; i++) memset(c + i * ldc, 0, sizeof(float) * N);
    return;
  }
  size_t i = 0;
  for (; i + MR <= M; i += MR) row_block(MR, N, K, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
  a += i * lda, c += i * ldc;
  switch (M - i) {
    case 7: row_block(7, N, K, a, lda, b, ldb, c, ldc); break;
    case 6: row_block(6, N, K, a, lda, b, ldb, c, ldc); break;
    case 5: row_block(5, N, K, a, lda, b, ldb, c, ldc); break;
    case 4: row_block(4, N, K, a, lda, b, ldb, c, ldc); break;
    case 3: row_block(3, N, K, a, lda, b, ldb, c, ldc); break;
    case 2: row_block(2, N, K, a, lda, b, ldb, c, ldc); break;
    case 1: row_block(1, N, K, a, lda, b, ldb, c, ldc); break;
    default: break;
  }
}
