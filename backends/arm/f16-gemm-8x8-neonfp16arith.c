/* f16 8x8 microkernel with native fp16 arithmetic (armv8.2-a+fp16: FPHP +
 * ASIMDHP), the contract of f32-gemm-arm.h. Per k step the packed A tile
 * gives the 8 rows' fp16 values in one vector and the W panel 8 columns in
 * another; row r's 8 fp16 sums take one vfmaq_laneq_f16 with lane r.
 * Every OCTET_ARM_F16_KBLOCK steps (from the call's first k) the fp16 sums
 * are widened exactly and added into fp32 sums (two vectors a row) and
 * restart from zero, which bounds the fp16 rounding error and the range an
 * fp16 partial sum must hold (docs/arm64.md). 8 + 16 + 2 registers. */
#include <arm_neon.h>

#include "backends/arm/f32-gemm-arm.h"
#include "backends/arm/gemm-tile-arm.h"

void octet_f16_gemm_ukernel_8x8__neonfp16arith(size_t mr, size_t nr, size_t kc, const void *pa_,
                                               size_t lda, const void *pb_, const float *acc,
                                               size_t ld_acc, void *out, size_t ld_out,
                                               const octet_gemm_params *st) {
  (void)lda; /* packed: MR values per k step */
  const float16_t *pa = pa_, *pb = pb_;
  float32x4_t c[8][2];
  for (int r = 0; r < 8; r++)
    for (int j = 0; j < 2; j++)
      c[r][j] = acc ? vld1q_f32(acc + (size_t)r * ld_acc + 4 * j) : vdupq_n_f32(0.0f);
  while (kc > 0) {
    const size_t kb = kc < OCTET_ARM_F16_KBLOCK ? kc : OCTET_ARM_F16_KBLOCK;
    float16x8_t h0 = vdupq_n_f16(0), h1 = h0, h2 = h0, h3 = h0, h4 = h0, h5 = h0, h6 = h0,
                h7 = h0;
    for (size_t k = 0; k < kb; k++) {
      const float16x8_t a = vld1q_f16(pa), b = vld1q_f16(pb);
      pa += 8;
      pb += 8;
      h0 = vfmaq_laneq_f16(h0, b, a, 0);
      h1 = vfmaq_laneq_f16(h1, b, a, 1);
      h2 = vfmaq_laneq_f16(h2, b, a, 2);
      h3 = vfmaq_laneq_f16(h3, b, a, 3);
      h4 = vfmaq_laneq_f16(h4, b, a, 4);
      h5 = vfmaq_laneq_f16(h5, b, a, 5);
      h6 = vfmaq_laneq_f16(h6, b, a, 6);
      h7 = vfmaq_laneq_f16(h7, b, a, 7);
    }
    const float16x8_t h[8] = {h0, h1, h2, h3, h4, h5, h6, h7};
    for (int r = 0; r < 8; r++) {
      c[r][0] = vaddq_f32(c[r][0], vcvt_f32_f16(vget_low_f16(h[r])));
      c[r][1] = vaddq_f32(c[r][1], vcvt_high_f32_f16(h[r]));
    }
    kc -= kb;
  }
  float tile[8 * 8];
  float *t = st ? tile : out;
  const size_t ldt = st ? 8 : ld_out;
  for (int r = 0; r < 8; r++)
    for (int j = 0; j < 2; j++) vst1q_f32(t + (size_t)r * ldt + 4 * j, c[r][j]);
  if (st) octet_arm_gemm_store_tile(mr, nr, tile, 8, out, ld_out, st);
}
