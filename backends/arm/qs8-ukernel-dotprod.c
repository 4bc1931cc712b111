/* qs8 2x8c8 kernel with the dot-product extension (armv8.2-a+dotprod):
 * one vdotq_s32 multiplies a row's 8 k (twice) by two columns' 8 k; lanes
 * 0+1 are the first column's sum, 2+3 the second's. */
#include <arm_neon.h>

#include "backends/arm/qs8-gemm-arm.h"
#include "backends/arm/qs8-tile-arm.h"

void octet_arm_qs8_ukernel_2x8c8__dotprod(size_t kg, const int8_t *a0, const int8_t *a1,
                                          const int8_t *panel, int32_t acc[2][8]) {
  int32x4_t r0[4], r1[4];
  for (int p = 0; p < 4; p++) r0[p] = r1[p] = vdupq_n_s32(0);
  for (size_t g = 0; g < kg; g++) {
    const int8x8_t h0 = vld1_s8(a0 + 8 * g), h1 = vld1_s8(a1 + 8 * g);
    const int8x16_t x0 = vcombine_s8(h0, h0), x1 = vcombine_s8(h1, h1);
    const int8_t *b = panel + 64 * g;
    for (int p = 0; p < 4; p++) {
      const int8x16_t w = vld1q_s8(b + 16 * p);
      r0[p] = vdotq_s32(r0[p], x0, w);
      r1[p] = vdotq_s32(r1[p], x1, w);
    }
  }
  for (int p = 0; p < 4; p++) {
    const int32x4_t s0 = vpaddq_s32(r0[p], r0[p]), s1 = vpaddq_s32(r1[p], r1[p]);
    acc[0][2 * p] = vgetq_lane_s32(s0, 0);
    acc[0][2 * p + 1] = vgetq_lane_s32(s0, 1);
    acc[1][2 * p] = vgetq_lane_s32(s1, 0);
    acc[1][2 * p + 1] = vgetq_lane_s32(s1, 1);
  }
}

OCTET_ARM_QS8_TILE_KERNEL(octet_qs8_gemm_ukernel_8x8c8__dotprod, octet_arm_qs8_ukernel_2x8c8__dotprod)
