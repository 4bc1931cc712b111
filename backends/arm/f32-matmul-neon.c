/* fp32 activation MatMul for baseline NEON (f32-matmul-neon.h): tiles of
 * up to 8 rows x 8 columns (two float32x4_t per row) held in 16
 * accumulators over all of K; per group of 4 k the 4 B rows of the tile
 * are loaded once (8 vectors) and used for every row, the 4 A values of a
 * row loaded as one vector and taken by lane (FMUL by element). 16
 * accumulators, 8 B vectors and a few temporaries fit the 32 NEON
 * registers. The last 1..7 columns of a row go through a tile whose last
 * vector is loaded and stored lane by lane, so rows are never read or
 * written past their width (strides may exceed widths).
 *
 * Every element gets exactly ref's sequence (groups of 4 k restarting every
 * 256, a separate multiply and add, no FMLA; -ffp-contract=off keeps GCC
 * from fusing vmulq / vaddq), so results are bit-identical to the ref
 * backend. */
#include <arm_neon.h>
#include <stdbool.h>

#include "backends/arm/f32-matmul-neon.h"

#define KBLOCK 256 /* ref's KB: the groups of 4 restart at each block */
#define MR 8
#define INLINE static inline __attribute__((always_inline))

/* The first w (1..4) floats at p; the other lanes 0. */
INLINE float32x4_t ld(const float *p, size_t w) {
  if (w == 4) return vld1q_f32(p);
  float32x4_t v = vdupq_n_f32(0.0f);
  v = vld1q_lane_f32(p, v, 0);
  if (w > 1) v = vld1q_lane_f32(p + 1, v, 1);
  if (w > 2) v = vld1q_lane_f32(p + 2, v, 2);
  return v;
}

/* The first w (1..4) lanes of v to p. */
INLINE void st(float *p, size_t w, float32x4_t v) {
  if (w == 4) {
    vst1q_f32(p, v);
    return;
  }
  vst1q_lane_f32(p, v, 0);
  if (w > 1) vst1q_lane_f32(p + 1, v, 1);
  if (w > 2) vst1q_lane_f32(p + 2, v, 2);
}

/* c + (((a0*b0 + a1*b1) + a2*b2) + a3*b3), a = (a0, a1, a2, a3) */
INLINE float32x4_t group4(float32x4_t c, float32x4_t a, float32x4_t b0, float32x4_t b1,
                          float32x4_t b2, float32x4_t b3) {
  float32x4_t t = vmulq_laneq_f32(b0, a, 0);
  t = vaddq_f32(t, vmulq_laneq_f32(b1, a, 1));
  t = vaddq_f32(t, vmulq_laneq_f32(b2, a, 2));
  t = vaddq_f32(t, vmulq_laneq_f32(b3, a, 3));
  return vaddq_f32(c, t);
}

/* c + a*b */
INLINE float32x4_t step1(float32x4_t c, float a, float32x4_t b) {
  return vaddq_f32(c, vmulq_n_f32(b, a));
}

/* Rows [0, R) of A against NV (1 or 2) vectors of columns of B at b, the
 * last of them w (1..4) wide. */
INLINE void tile(const size_t R, const size_t NV, size_t w, size_t K, const float *a, size_t lda,
                 const float *b, size_t ldb, float *c, size_t ldc) {
  float32x4_t acc[MR][2];
  const size_t w0 = NV == 2 ? 4 : w; /* width of the first vector */
  for (size_t r = 0; r < R; r++)
    for (size_t v = 0; v < NV; v++) acc[r][v] = vdupq_n_f32(0.0f);
  for (size_t k0 = 0; k0 < K; k0 += KBLOCK) {
    const size_t kn = K - k0 < KBLOCK ? K - k0 : KBLOCK;
    size_t q = 0;
    for (; q + 4 <= kn; q += 4) {
      const size_t k = k0 + q;
      const float *br = b + k * ldb;
      float32x4_t b0[2], b1[2], b2[2], b3[2];
      b0[0] = ld(br, w0), b1[0] = ld(br + ldb, w0);
      b2[0] = ld(br + 2 * ldb, w0), b3[0] = ld(br + 3 * ldb, w0);
      if (NV == 2) {
        b0[1] = ld(br + 4, w), b1[1] = ld(br + ldb + 4, w);
        b2[1] = ld(br + 2 * ldb + 4, w), b3[1] = ld(br + 3 * ldb + 4, w);
      }
      for (size_t r = 0; r < R; r++) {
        const float32x4_t av = vld1q_f32(a + r * lda + k); /* k + 3 < K <= lda */
        for (size_t v = 0; v < NV; v++)
          acc[r][v] = group4(acc[r][v], av, b0[v], b1[v], b2[v], b3[v]);
      }
    }
    for (; q < kn; q++) {
      const size_t k = k0 + q;
      const float *br = b + k * ldb;
      float32x4_t b0[2];
      b0[0] = ld(br, w0);
      if (NV == 2) b0[1] = ld(br + 4, w);
      for (size_t r = 0; r < R; r++)
        for (size_t v = 0; v < NV; v++) acc[r][v] = step1(acc[r][v], a[r * lda + k], b0[v]);
    }
  }
  for (size_t r = 0; r < R; r++) {
    st(c + r * ldc, w0, acc[r][0]);
    if (NV == 2) st(c + r * ldc + 4, w, acc[r][1]);
  }
}

/* Rows [0, R) against every column: full 8-wide tiles, then the 1..7 left. */
INLINE void row_block(const size_t R, size_t N, size_t K, const float *a, size_t lda,
                      const float *b, size_t ldb, float *c, size_t ldc) {
  size_t j = 0;
  for (; j + 8 <= N; j += 8) tile(R, 2, 4, K, a, lda, b + j, ldb, c + j, ldc);
  const size_t left = N - j;
  if (left > 4)
    tile(R, 2, left - 4, K, a, lda, b + j, ldb, c + j, ldc);
  else if (left == 4)
    tile(R, 1, 4, K, a, lda, b + j, ldb, c + j, ldc);
  else if (left)
    tile(R, 1, left, K, a, lda, b + j, ldb, c + j, ldc);
}

void octet_f32_matmul__neon(size_t M, size_t N, size_t K, const float *a, size_t lda,
                            const float *b, size_t ldb, float *c, size_t ldc) {
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
