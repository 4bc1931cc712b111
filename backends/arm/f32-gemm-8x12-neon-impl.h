/* The body of the 8x12 NEON microkernels (f32-gemm-arm.h contract): per k
 * step, the packed A tile gives the 8 rows' values in two vectors and the
 * W panel 12 columns in three (LOAD_B4 turns 4 stored weights into fp32);
 * each of the 24 fp32 accumulators (row r, 4 columns) takes one
 * vfmaq_laneq_f32 with lane r of the A vectors. 24 + 2 + 3 registers of
 * the 32. Included by f32-gemm-8x12-neon.c and f16w-gemm-8x12-neon.c after
 * they define KERNEL_FN, B_TYPE and LOAD_B4(p). */
#include <arm_neon.h>

#include "backends/arm/f32-gemm-arm.h"
#include "backends/arm/gemm-tile-arm.h"

/* Row r (0..7) of the tile: c[r][0..2] += b0..b2 * a[r % 4] of the vector
 * holding rows r / 4 * 4 .. + 3. */
#define OCTET_FMA_ROW(r, a, lane)                    \
  do {                                               \
    c[r][0] = vfmaq_laneq_f32(c[r][0], b0, a, lane); \
    c[r][1] = vfmaq_laneq_f32(c[r][1], b1, a, lane); \
    c[r][2] = vfmaq_laneq_f32(c[r][2], b2, a, lane); \
  } while (0)

void KERNEL_FN(size_t mr, size_t nr, size_t kc, const void *pa_, size_t lda, const void *pb_,
               const float *acc, size_t ld_acc, void *out, size_t ld_out,
               const octet_gemm_params *st) {
  (void)lda; /* packed: MR values per k step */
  const float *pa = pa_;
  const B_TYPE *pb = pb_;
  float32x4_t c[8][3];
  for (int r = 0; r < 8; r++)
    for (int j = 0; j < 3; j++)
      c[r][j] = acc ? vld1q_f32(acc + (size_t)r * ld_acc + 4 * j) : vdupq_n_f32(0.0f);
  for (size_t k = 0; k < kc; k++) {
    const float32x4_t a0 = vld1q_f32(pa), a1 = vld1q_f32(pa + 4);
    const float32x4_t b0 = LOAD_B4(pb), b1 = LOAD_B4(pb + 4), b2 = LOAD_B4(pb + 8);
    pa += 8;
    pb += 12;
    OCTET_FMA_ROW(0, a0, 0);
    OCTET_FMA_ROW(1, a0, 1);
    OCTET_FMA_ROW(2, a0, 2);
    OCTET_FMA_ROW(3, a0, 3);
    OCTET_FMA_ROW(4, a1, 0);
    OCTET_FMA_ROW(5, a1, 1);
    OCTET_FMA_ROW(6, a1, 2);
    OCTET_FMA_ROW(7, a1, 3);
  }
  float tile[8 * 12];
  float *t = st ? tile : out;
  const size_t ldt = st ? 12 : ld_out;
  for (int r = 0; r < 8; r++)
    for (int j = 0; j < 3; j++) vst1q_f32(t + (size_t)r * ldt + 4 * j, c[r][j]);
  if (st) octet_arm_gemm_store_tile(mr, nr, tile, 12, out, ld_out, st);
}
