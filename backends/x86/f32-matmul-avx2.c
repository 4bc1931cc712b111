/* fp32 activation MatMul for AVX2 (f32-matmul.h): tiles of up to 8 rows x
 * 8 columns (one ymm per row) held in 8 accumulators over all of K; per
 * group of 4 k the 4 B rows are loaded once and used for every row of the
 * tile, A values broadcast (8 accumulators, 4 B rows and 2 temporaries fit
 * the 16 ymm registers). Columns past N are loaded
 * and stored under a VMASKMOVPS mask, which touches no memory in its off
 * lanes, so rows are never read or written past their width.
 *
 * Every element gets exactly ref's sequence (groups of 4 k restarting every
 * 256, separate mul and add, no FMA; built without -mfma and with
 * -ffp-contract=off), so results are bit-identical to the ref backend. */
#include <immintrin.h>
#include <stdbool.h>
#include <string.h>

#include "backends/x86/f32-matmul.h"

#define KBLOCK 256 /* ref's KB: the groups of 4 restart at each block */
#define MR 8
#define INLINE static inline __attribute__((always_inline))

/* VMASKMOVPS mask of lanes [0, left) (left <= 8). */
INLINE __m256i lanes(size_t left) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

INLINE __m256 ld(const float *p, bool full, __m256i m) {
  return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m);
}

INLINE void st(float *p, bool full, __m256i m, __m256 v) {
  if (full)
    _mm256_storeu_ps(p, v);
  else
    _mm256_maskstore_ps(p, m, v);
}

/* c + (((a0*b0 + a1*b1) + a2*b2) + a3*b3) */
INLINE __m256 group4(__m256 c, const float *a, __m256 b0, __m256 b1, __m256 b2, __m256 b3) {
  __m256 t = _mm256_mul_ps(_mm256_broadcast_ss(a), b0);
  t = _mm256_add_ps(t, _mm256_mul_ps(_mm256_broadcast_ss(a + 1), b1));
  t = _mm256_add_ps(t, _mm256_mul_ps(_mm256_broadcast_ss(a + 2), b2));
  t = _mm256_add_ps(t, _mm256_mul_ps(_mm256_broadcast_ss(a + 3), b3));
  return _mm256_add_ps(c, t);
}

/* c + a*b */
INLINE __m256 step1(__m256 c, const float *a, __m256 b) {
  return _mm256_add_ps(c, _mm256_mul_ps(_mm256_broadcast_ss(a), b));
}

/* Rows [0, R) of A against the 8 columns of B at b (the first `left` of
 * them under the mask m unless FULL). */
INLINE void tile(const size_t R, const bool FULL, size_t K, const float *a, size_t lda,
                 const float *b, size_t ldb, float *c, size_t ldc, __m256i m) {
  __m256 acc[MR];
  for (size_t r = 0; r < R; r++) acc[r] = _mm256_setzero_ps();
  for (size_t k0 = 0; k0 < K; k0 += KBLOCK) {
    const size_t kn = K - k0 < KBLOCK ? K - k0 : KBLOCK;
    size_t q = 0;
    for (; q + 4 <= kn; q += 4) {
      const size_t k = k0 + q;
      const float *br = b + k * ldb;
      const __m256 b0 = ld(br, FULL, m), b1 = ld(br + ldb, FULL, m);
      const __m256 b2 = ld(br + 2 * ldb, FULL, m), b3 = ld(br + 3 * ldb, FULL, m);
      for (size_t r = 0; r < R; r++) acc[r] = group4(acc[r], a + r * lda + k, b0, b1, b2, b3);
    }
    for (; q < kn; q++) {
      const size_t k = k0 + q;
      const __m256 b0 = ld(b + k * ldb, FULL, m);
      for (size_t r = 0; r < R; r++) acc[r] = step1(acc[r], a + r * lda + k, b0);
    }
  }
  for (size_t r = 0; r < R; r++) st(c + r * ldc, FULL, m, acc[r]);
}

/* Rows [0, R) against every column: full 8-wide tiles, then the edge. */
INLINE void row_block(const size_t R, size_t N, size_t K, const float *a, size_t lda,
                      const float *b, size_t ldb, float *c, size_t ldc) {
  size_t j = 0;
  const __m256i all = _mm256_set1_epi32(-1);
  for (; j + 8 <= N; j += 8) tile(R, true, K, a, lda, b + j, ldb, c + j, ldc, all);
  if (j < N) tile(R, false, K, a, lda, b + j, ldb, c + j, ldc, lanes(N - j));
}

void octet_f32_matmul__avx2(size_t M, size_t N, size_t K, const float *a, size_t lda,
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
